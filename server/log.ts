/**
 * Structured logs: one JSON line per event. Callers pass only ids, names and counts; there is no
 * field for tokens, passwords or SDP, and `redact` drops any key that looks like one regardless.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = (event: string, fields?: LogFields) => void;

const SENSITIVE = /token|password|secret|sdp|offer|answer|candidate|authorization|credential/i;

export function redact(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!SENSITIVE.test(key)) clean[key] = value;
  }
  return clean;
}

export function createLogger(write: (line: string) => void = (line) => process.stdout.write(line)) {
  const logger: Logger = (event, fields = {}) => {
    write(`${JSON.stringify({ t: new Date().toISOString(), event, ...redact(fields) })}\n`);
  };
  return logger;
}

export const silentLogger: Logger = () => undefined;
