/**
 * The verifier for a compliance officer, under plain Node (no Electron):
 *
 *   npm run verify-recording -- <recording file or its .json manifest> [--key <key id>]...
 *
 * Prints one of valid / altered / truncated / unsigned with the reason, and exits 0 only for
 * valid (1 for any other verdict, 2 when it could not run).
 */
import { parseArgs } from 'node:util';
import { verifyRecording } from './verify.ts';

const USAGE = `Usage: npm run verify-recording -- <recording file or its .json manifest> [--key <key id>]...

Says whether a recording is as RichesReach Advisor made it (valid, altered, truncated or
unsigned) and why. The exit code is 0 only for valid.

  --key <id>  a recording key id you trust (the advisor's app shows it when it verifies a
              recording; 16 or more of its first hex digits will do). May be repeated. Without
              it the signature is checked but its key is not compared with a known one.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { key: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [file, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!file || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const keys = parsed.values.key ?? [];
  const bad = keys.find((key) => !/^[0-9a-fA-F]{16,64}$/.test(key));
  if (bad !== undefined) {
    process.stderr.write(`"${bad.slice(0, 80)}" is not a key id: give 16 to 64 hex digits.\n`);
    return 2;
  }
  try {
    const result = await verifyRecording(file, {
      ...(keys.length > 0 ? { trustedKeys: { ids: keys, label: 'a key you named' } } : {}),
    });
    const recovered = result.status === 'recovered' ? ' (recovered)' : '';
    process.stdout.write(`${result.verdict}${recovered}: ${result.reason}\n`);
    if (result.keyId) process.stdout.write(`key: ${result.keyId}\n`);
    return result.verdict === 'valid' ? 0 : 1;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`The recording could not be read${code ? ` (${code})` : ''}.\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
