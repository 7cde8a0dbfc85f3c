/**
 * The verifier for a compliance officer, under plain Node (no Electron, no sign-in):
 *
 *   npm run verify-recording -- <recording file or its .json manifest> [--key <key id>]...
 *                               [--server <url> | --server-key <file|base64>]
 *
 * Prints one of valid / altered / truncated / unsigned / not-known-to-server with the reason,
 * and exits 0 only for valid (1 for any other verdict, 2 when it could not run).
 */
import { parseArgs } from 'node:util';
import type { ReceiptKey } from '../../shared/protocol/recording-receipts.ts';
import { createServerReceiptCheck } from './receipts-check.ts';
import { ReceiptKeyProblem, fetchReceiptKey, readReceiptKey } from './receipts-key.ts';
import { verifyRecording, type VerifyOptions } from './verify.ts';

const USAGE = `Usage: npm run verify-recording -- <recording file or its .json manifest> [--key <key id>]...
                                  [--server <url> | --server-key <file or base64>]

Says whether a recording is as RichesReach Advisor made it (valid, altered, truncated,
unsigned, or not known to the server) and why. The exit code is 0 only for valid.

  --key <id>          a recording key id you trust (the advisor's app shows it when it verifies
                      a recording; 16 or more of its first hex digits will do). May be repeated.
                      Without it the signature is checked but its key is not compared with a
                      known one.
  --server <url>      the firm's server: its receipt key is fetched from it (no sign-in), and
                      the server's receipts in the manifest must be signed with that key and
                      match the file.
  --server-key <key>  the same check offline, with the server's receipt key given as a file (what
                      \`npm run admin -- recordings receipt-key\` prints, or a PEM public key) or
                      as base64 text.`;

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

/** The server check the options ask for; undefined when they ask for none. */
function serverCheck(server?: string, serverKey?: string): VerifyOptions['checkServerReceipt'] {
  let key: (() => Promise<ReceiptKey>) | null = null;
  if (serverKey !== undefined) key = () => readReceiptKey(serverKey);
  if (server !== undefined) key = () => fetchReceiptKey(fetch, server);
  return key ? createServerReceiptCheck({ key }) : undefined;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: 'string', multiple: true },
        server: { type: 'string' },
        'server-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!file || extra.length > 0) return fail(USAGE);
  const keys = parsed.values.key ?? [];
  const bad = keys.find((key) => !/^[0-9a-fA-F]{16,64}$/.test(key));
  if (bad !== undefined) {
    return fail(`"${bad.slice(0, 80)}" is not a key id: give 16 to 64 hex digits.`);
  }
  const { server, 'server-key': serverKey } = parsed.values;
  if (server !== undefined && serverKey !== undefined) {
    return fail('Give --server or --server-key, not both.');
  }
  if (server !== undefined && !/^https?:\/\/[^/\s]+/.test(server)) {
    return fail(
      `"${server.slice(0, 80)}" is not a server address such as https://advisor.example.com`,
    );
  }
  if (serverKey !== undefined) {
    // A key that cannot be read is the officer's mistake, not a verdict on the recording.
    try {
      await readReceiptKey(serverKey);
    } catch (error) {
      const why = error instanceof ReceiptKeyProblem ? error.message : 'It cannot be read.';
      return fail(`The server key given with --server-key cannot be used: ${why}`);
    }
  }
  const checkServerReceipt = serverCheck(server, serverKey);
  try {
    const result = await verifyRecording(file, {
      ...(keys.length > 0 ? { trustedKeys: { ids: keys, label: 'a key you named' } } : {}),
      ...(checkServerReceipt ? { checkServerReceipt } : {}),
    });
    const recovered = result.status === 'recovered' ? ' (recovered)' : '';
    process.stdout.write(`${result.verdict}${recovered}: ${result.reason}\n`);
    if (result.keyId) process.stdout.write(`key: ${result.keyId}\n`);
    if (!checkServerReceipt && result.verdict === 'valid') {
      process.stdout.write(
        'server receipts: not checked (give --server <url> or --server-key <key> to check them)\n',
      );
    }
    return result.verdict === 'valid' ? 0 : 1;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`The recording could not be read${code ? ` (${code})` : ''}.`);
  }
}

process.exitCode = await main(process.argv.slice(2));
