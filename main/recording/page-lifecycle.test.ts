/**
 * A reload, a navigation or the window closing takes the page's MediaRecorder with it: main
 * closes the open recordings as interrupted then, not as complete at quit. The webContents is
 * the thinnest stand-in (an EventEmitter emitting Electron's event shapes); the writer is real.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { interruptRecordingsWhenPageGoes, navigationEndsRecordings } from './page-lifecycle.ts';
import {
  START,
  chunk,
  createTempFolders,
  mediaFiles,
  readManifest,
  writerFor,
} from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('page');
afterAll(key.remove);

describe('page lifecycle', () => {
  it('only a new document in the window’s main frame ends its recordings', () => {
    expect(navigationEndsRecordings({ isMainFrame: true, isSameDocument: false })).toBe(true); // reload, navigation
    expect(navigationEndsRecordings({ isMainFrame: true, isSameDocument: true })).toBe(false); // #hash, pushState
    expect(navigationEndsRecordings({ isMainFrame: false, isSameDocument: false })).toBe(false); // a subframe
  });

  it('closes open recordings as interrupted on a reload and when the window is destroyed', async () => {
    const folder = temp.folder();
    const writer = writerFor(folder, { signer: key.signer });
    const page = new EventEmitter();
    const logs: string[] = [];
    interruptRecordingsWhenPageGoes(page, writer, (event, fields) =>
      logs.push(`${event} ${JSON.stringify(fields)}`),
    );

    const first = await writer.start(START);
    await writer.append(first.recordingId, chunk(1, 1_000));
    // Electron's details object, then its deprecated positional arguments.
    page.emit(
      'did-start-navigation',
      { isMainFrame: true, isSameDocument: true },
      'app://advisor/#x',
      true,
      true,
    );
    page.emit(
      'did-start-navigation',
      { isMainFrame: false, isSameDocument: false },
      'app://advisor/f',
      false,
      false,
    );
    expect(writer.activeCount()).toBe(1);
    page.emit(
      'did-start-navigation',
      { isMainFrame: true, isSameDocument: false },
      'app://advisor/',
      false,
      true,
    );
    await expect.poll(() => writer.activeCount()).toBe(0);
    const [firstFile] = mediaFiles(folder);
    expect(readManifest(join(folder, firstFile!))).toMatchObject({
      status: 'interrupted',
      bytes: 1_000,
    });

    const second = await writer.start({ ...START, callId: 'call_second00001' });
    await writer.append(second.recordingId, chunk(2, 500));
    page.emit('destroyed');
    await expect.poll(() => writer.activeCount()).toBe(0);
    const secondFile = mediaFiles(folder).find((name) => name !== firstFile);
    expect(readManifest(join(folder, secondFile!))).toMatchObject({
      status: 'interrupted',
      bytes: 500,
    });
    // With nothing open, a navigation does nothing.
    page.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    await delay(20);
    expect(logs).toEqual([
      'recording.interrupted {"why":"navigation","open":1}',
      'recording.interrupted {"why":"window-closed","open":1}',
    ]);
  });
});
