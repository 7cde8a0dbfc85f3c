/**
 * Export for archive from the command line, under plain Node (no Electron, no sign-in):
 *
 *   npm run export-recording -- <recording file or its .json manifest> --out <folder>
 *                               [--journal-to <address>] [--from <address>]
 *
 * Writes the same package as Export for archive in the app. Exits 0 when it was written, 1 when
 * the recording was refused (not what was recorded), 2 when it could not run.
 */
import { parseArgs } from 'node:util';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { FROM_DOMAIN, JOURNAL_PLACEHOLDER } from './archive-record.ts';
import { exportRecording } from './export-package.ts';

const USAGE = `Usage: npm run export-recording -- <recording file or its .json manifest> --out <folder>
                                  [--journal-to <address>] [--from <address>]

Writes a package for the firm's archive into a new folder inside <folder>: the recording, its
signed manifest, archive-record.json (with its JSON Schema) and an .eml journal message with the
record and the recording attached, ready for SMTP journaling.

  --out <folder>          where the package folder is made
  --journal-to <address>  the journal address the .eml is sent to (default ${JOURNAL_PLACEHOLDER})
  --from <address>        the advisor's address (default: their user id @${FROM_DOMAIN})`;

/** Enough of an address check to catch a slip; the mail system judges the rest. */
const looksLikeAddress = (text: string): boolean => /^[^\s@<>",]+@[^\s@<>",]+$/.test(text);

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'journal-to': { type: 'string' },
        from: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  const { out, 'journal-to': journalTo, from } = parsed.values;
  if (!file || !out || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const bad = [journalTo, from].find((a) => a !== undefined && !looksLikeAddress(a));
  if (bad !== undefined) {
    process.stderr.write(`"${bad.slice(0, 80)}" is not an e-mail address.\n`);
    return 2;
  }
  try {
    const exported = await exportRecording(file, out, {
      ...(journalTo === undefined ? {} : { journalTo }),
      ...(from === undefined ? {} : { from }),
    });
    process.stdout.write(`Exported to ${exported.folder}\n`);
    for (const name of exported.files) process.stdout.write(`  ${name}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BridgeFailure) {
      process.stderr.write(`${error.message}\n`);
      return error.code === 'recording-not-intact' ? 1 : 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`The recording could not be read${code ? ` (${code})` : ''}.\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
