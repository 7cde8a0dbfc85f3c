/**
 * `npm run bench:guest-bundle`: builds the guest page as the server ships it and prints each
 * file's raw and gzip size and the total gzip, against the budget (a guest on a phone's network
 * downloads all of it before seeing the lobby). Exits non-zero when over the budget.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { GUEST_OUT_DIR } from '../vite.guest.config.ts';

const BUDGET_GZIP_KIB = 200;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

await build({
  configFile: join(import.meta.dirname, '..', 'vite.guest.config.ts'),
  logLevel: 'warn',
});

let totalRaw = 0;
let totalGzip = 0;
console.log(`${'file'.padEnd(40)} ${'raw'.padStart(12)} ${'gzip'.padStart(12)}`);
for (const file of files(GUEST_OUT_DIR).sort()) {
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  totalRaw += bytes.length;
  totalGzip += gzip;
  const name = relative(GUEST_OUT_DIR, file);
  console.log(`${name.padEnd(40)} ${kib(bytes.length).padStart(12)} ${kib(gzip).padStart(12)}`);
}
console.log(`${'total'.padEnd(40)} ${kib(totalRaw).padStart(12)} ${kib(totalGzip).padStart(12)}`);
const within = totalGzip <= BUDGET_GZIP_KIB * 1024;
console.log(
  `gzip total ${kib(totalGzip)} of a ${BUDGET_GZIP_KIB} KiB budget: ${within ? 'within' : 'OVER'}`,
);
if (!within) process.exitCode = 1;
