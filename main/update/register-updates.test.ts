/**
 * The updater as the app starts it: IT's real policy file read by the real settings service,
 * and every stage delivered through the real (validating) event sink.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventSink } from '../ipc/event-sink.ts';
import { loadPolicy } from '../settings/policy.ts';
import { createSettings } from '../settings/settings.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { startUpdates } from './register-updates.ts';
import { FakeAutoUpdater } from './testing/fake-auto-updater.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-updates-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(policy: unknown, inCall: { now: boolean }) {
  const policyFile = join(dir, 'policy.json');
  if (policy !== undefined) writeFileSync(policyFile, JSON.stringify(policy));
  const pushed: unknown[] = [];
  const dropped: string[] = [];
  const sink = createEventSink(
    (event, payload) => pushed.push({ event, payload }),
    (event, reason) => dropped.push(`${event}: ${reason}`),
  );
  const settings = createSettings({
    store: new Conf(settingsStoreOptions({ cwd: join(dir, 'config'), documentsDir: dir })),
    policy: loadPolicy(policyFile),
    documentsDir: dir,
    sink,
    chooseFolder: () => Promise.resolve(null),
  });
  const fake = new FakeAutoUpdater();
  const updater = startUpdates({ autoUpdater: fake, settings, isInCall: () => inCall.now, sink });
  return { fake, updater, pushed, dropped };
}

describe('updates as the app runs them', () => {
  it('never touches the updater when IT turns updates off', () => {
    const { fake, pushed } = start({ autoUpdate: false, updateChannel: 'beta' }, { now: false });
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(fake.listenerCount('update-downloaded')).toBe(0);
    expect(fake.channel).toBeNull();
    expect(pushed).toEqual([]);
  });

  it('uses the pinned channel, shows progress, and installs only after the call ends', () => {
    const inCall = { now: true };
    const { fake, updater, pushed, dropped } = start({ updateChannel: 'stable' }, inCall);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.channel).toBe('stable');

    fake.emit('download-progress', { percent: 41.6, transferred: 4, total: 10, bytesPerSecond: 1 });
    fake.emit('update-downloaded', { version: '1.3.0', downloadedFile: '/tmp/x' });
    expect(fake.quitAndInstall).not.toHaveBeenCalled();
    inCall.now = false;
    updater.callEnded();
    expect(fake.quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
    expect(pushed).toEqual([
      { event: 'app:update', payload: { stage: 'downloading', percent: 42 } },
      { event: 'app:update', payload: { stage: 'waiting-for-call-end', version: '1.3.0' } },
      { event: 'app:update', payload: { stage: 'installing', version: '1.3.0' } },
    ]);
    expect(dropped).toEqual([]);
    updater.stop();
  });

  it('checks without a policy file (updates on by default) and leaves the channel alone', () => {
    const { fake, updater } = start(undefined, { now: false });
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.channel).toBeNull();
    updater.stop();
  });
});
