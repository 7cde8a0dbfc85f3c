/**
 * The updater as the app starts it: IT's real policy file read by the real settings service, the
 * feed address from a real app-update.yml, and every stage delivered through the real
 * (validating) event sink.
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
import { startUpdates, type UpdatesDeps } from './register-updates.ts';
import { FakeAutoUpdater } from './testing/fake-auto-updater.ts';
import { readFeedUrl } from './update-gate.ts';

/** A signed Windows install with an https feed: nothing but the policy stands in the way. */
const WINDOWS: UpdatesDeps['installer'] = {
  platform: 'win32',
  feedUrl: 'https://updates.example.com/advisor',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-updates-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(
  policy: unknown,
  inCall: { now: boolean },
  installer: UpdatesDeps['installer'] = WINDOWS,
) {
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
  const logged: string[] = [];
  const updater = startUpdates({
    autoUpdater: fake,
    settings,
    isInCall: () => inCall.now,
    sink,
    installer,
    log: (event, fields) => logged.push(`${event} ${fields?.reason ?? ''}`.trim()),
  });
  return { fake, updater, pushed, dropped, logged };
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

  it('refuses a feed that is not https, touching nothing, and logs why', () => {
    for (const [feedUrl, shown] of [
      ['http://updates.example.com/advisor?x=1', 'http://updates.example.com/advisor'],
      ['file:///srv/updates/', 'file:///srv/updates/'],
    ] as const) {
      const { fake, logged, pushed } = start(
        { autoUpdate: true },
        { now: false },
        {
          platform: 'win32',
          feedUrl,
        },
      );
      expect(fake.checkForUpdates).not.toHaveBeenCalled();
      expect(fake.assigned).toEqual([]);
      expect(pushed).toEqual([]);
      expect(logged).toEqual([
        `update.feed-refused Automatic updates are off: the update address ${shown} is not https://. Ask IT to publish updates over https.`,
      ]);
    }
  });

  it('refuses a feed with credentials in it without repeating them', () => {
    const { fake, logged } = start(
      undefined,
      { now: false },
      {
        platform: 'darwin',
        feedUrl: 'https://it:hunter2@updates.example.com/advisor',
      },
    );
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(logged.join('\n')).toContain('contains a user name or password');
    expect(logged.join('\n')).not.toContain('hunter2');
  });

  it('is off on Linux by default (AppImage and .deb are not signature-checked), on when IT says so', () => {
    const linux = { platform: 'linux' as const, feedUrl: 'https://updates.example.com/advisor' };
    const off = start(undefined, { now: false }, linux);
    expect(off.fake.checkForUpdates).not.toHaveBeenCalled();
    expect(off.fake.assigned).toEqual([]);
    expect(off.logged).toEqual([
      'update.off Automatic updates are off on linux: the installer cannot be signature-checked. IT can turn them on with "autoUpdate": true in the policy file.',
    ]);

    const on = start({ autoUpdate: true }, { now: false }, linux);
    expect(on.fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(on.logged).toEqual([]);
    on.updater.stop();
  });

  it('is off without an update address (an unpackaged app has no app-update.yml)', () => {
    const { fake, logged } = start(undefined, { now: false }, { platform: 'win32', feedUrl: null });
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(logged[0]).toMatch(/^update\.off .*no update address/);
  });

  it('reads the feed address from app-update.yml as electron-builder writes it', () => {
    const file = join(dir, 'app-update.yml');
    writeFileSync(
      file,
      'provider: generic\nurl: https://updates.example.com/advisor\nupdaterCacheDirName: richesreach-advisor-updater\n',
    );
    expect(readFeedUrl(file)).toBe('https://updates.example.com/advisor');
    writeFileSync(file, "provider: generic\nurl: 'http://updates.example.com/a b'\n");
    expect(readFeedUrl(file)).toBe('http://updates.example.com/a b');
    writeFileSync(file, 'provider: github\nowner: x\n');
    expect(readFeedUrl(file)).toBeNull();
    expect(readFeedUrl(join(dir, 'missing.yml'))).toBeNull();
  });
});
