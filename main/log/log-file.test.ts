/** The rotating log file on a real temp folder. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogFile } from './log-file.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rr-log-file-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const line = (n: number) => `${JSON.stringify({ n, pad: 'x'.repeat(80) })}\n`;
const ns = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((text) => (JSON.parse(text) as { n: number }).n);

describe('log file', () => {
  it('is created owner-only in an owner-only folder', () => {
    const dir = join(root, 'logs');
    const file = createLogFile({ dir });
    file.append(line(1));
    file.close();
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ns(file.path)).toEqual([1]);
  });

  it('tightens a file an older build left readable', () => {
    writeFileSync(join(root, 'main.log'), line(0), { mode: 0o644 });
    const file = createLogFile({ dir: root });
    file.append(line(1));
    file.close();
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(ns(file.path)).toEqual([0, 1]);
  });

  it('rotates before a line would pass the limit, keeping the newest lines in order', () => {
    const size = Buffer.byteLength(line(0));
    // Three lines fit; the fourth starts a new file.
    const file = createLogFile({ dir: root, maxBytes: size * 3 + 1, keep: 3 });
    for (let n = 1; n <= 7; n++) file.append(line(n));
    file.close();
    expect(ns(join(root, 'main.log'))).toEqual([7]);
    expect(ns(join(root, 'main.log.1'))).toEqual([4, 5, 6]);
    expect(ns(join(root, 'main.log.2'))).toEqual([1, 2, 3]);
    expect(file.files()).toEqual([
      join(root, 'main.log'),
      join(root, 'main.log.1'),
      join(root, 'main.log.2'),
    ]);
    for (const path of file.files()) expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('deletes files beyond the keep count, including ones a larger setting left', () => {
    writeFileSync(join(root, 'main.log.7'), line(-7));
    const size = Buffer.byteLength(line(0));
    const file = createLogFile({ dir: root, maxBytes: size, keep: 3 });
    for (let n = 1; n <= 10; n++) file.append(line(n));
    file.close();
    expect(readdirSync(root).sort()).toEqual(['main.log', 'main.log.1', 'main.log.2']);
    expect(
      [join(root, 'main.log'), join(root, 'main.log.1'), join(root, 'main.log.2')].map(ns),
    ).toEqual([[10], [9], [8]]);
  });

  it('carries on across restarts, counting what is already in the file', () => {
    const size = Buffer.byteLength(line(0));
    const first = createLogFile({ dir: root, maxBytes: size * 2, keep: 2 });
    first.append(line(1));
    first.close();
    const second = createLogFile({ dir: root, maxBytes: size * 2, keep: 2 });
    second.append(line(2));
    second.append(line(3));
    second.close();
    expect(ns(join(root, 'main.log.1'))).toEqual([1, 2]);
    expect(ns(join(root, 'main.log'))).toEqual([3]);
  });
});
