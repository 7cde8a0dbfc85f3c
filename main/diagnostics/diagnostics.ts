/**
 * The "Copy diagnostics" report: plain text an advisor pastes into a message to IT. Pure, so the
 * tests read exactly what would be copied. Nothing secret: the server is shown as its origin only,
 * policy values and log fields go through the log's scrubber (a TURN credential in the policy
 * shows as [redacted]), and no token, password or SDP is among the inputs in the first place.
 */
import type { ConnectionState } from '../../shared/bridge/contract.ts';
import type { LogEntry } from '../log/main-log.ts';
import { REDACTED, isSensitiveKey, scrubText } from '../log/scrub.ts';

export interface DiagnosticsInput {
  generatedAt: Date;
  app: { name: string; version: string; packaged: boolean };
  /** process.versions: electron and chrome are absent outside Electron (the test host). */
  runtime: { electron?: string | undefined; chrome?: string | undefined; node: string };
  os: { platform: string; release: string; arch: string };
  policy: { file: string; values: Record<string, unknown>; error: string | null };
  serverUrl: string;
  connection: ConnectionState;
  logFile: string | null;
  recentErrors: LogEntry[];
}

/** At most this many characters of one value or log line, so one odd entry cannot flood it. */
const MAX_VALUE_CHARS = 300;

const clip = (text: string) =>
  text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;

/** A value with every secret-named key replaced and every string scrubbed, at any depth. */
function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        isSensitiveKey(key) ? REDACTED : scrubDeep(child),
      ]),
    );
  }
  return value;
}

/** A value as JSON (undefined has no JSON: JSON.stringify would answer undefined for it). */
const show = (value: unknown): string =>
  value === undefined ? 'not set' : clip(JSON.stringify(scrubDeep(value)));

/** The address without path, query or anything before the host. */
export function originOf(url: string): string {
  if (!url) return 'not set';
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? 'not a web address' : origin;
  } catch {
    return 'not a valid address';
  }
}

function connectionLine({ status, attempt, message }: ConnectionState): string {
  const parts: string[] = [status];
  if (attempt > 0) parts.push(`attempt ${attempt}`);
  if (message) parts.push(scrubText(message));
  return clip(parts.join(', '));
}

function errorLine(entry: LogEntry): string {
  const { time, level: _level, event, ...fields } = entry;
  const details = Object.entries(fields).map(([key, value]) =>
    isSensitiveKey(key) ? `${key}=${REDACTED}` : `${key}=${show(value)}`,
  );
  return clip([time, scrubText(event), ...details].join(' '));
}

export function buildDiagnostics(input: DiagnosticsInput): string {
  const { app, runtime, os, policy } = input;
  const policyKeys = Object.keys(policy.values).sort();
  const lines = [
    `${app.name} diagnostics`,
    `Generated: ${input.generatedAt.toISOString()}`,
    '',
    `App version: ${app.version}${app.packaged ? '' : ' (development build)'}`,
    `Electron: ${runtime.electron ?? 'not running in Electron'}`,
    `Chrome: ${runtime.chrome ?? 'not running in Electron'}`,
    `Node: ${runtime.node}`,
    `OS: ${os.platform} ${os.release} (${os.arch})`,
    '',
    `Policy file: ${policy.file}`,
    ...(policy.error ? [`Policy problem: ${clip(policy.error)}`] : []),
    'Policy in force:',
    ...(policyKeys.length > 0
      ? policyKeys.map((key) =>
          isSensitiveKey(key) ? `  ${key}: ${REDACTED}` : `  ${key}: ${show(policy.values[key])}`,
        )
      : ['  (none)']),
    '',
    `Server: ${originOf(input.serverUrl)}`,
    `Signaling: ${connectionLine(input.connection)}`,
    `Log file: ${input.logFile ?? 'none (console only)'}`,
    '',
    `Recent errors (last ${input.recentErrors.length}):`,
    ...(input.recentErrors.length > 0
      ? input.recentErrors.map((entry) => `  ${errorLine(entry)}`)
      : ['  (none)']),
  ];
  return `${lines.join('\n')}\n`;
}
