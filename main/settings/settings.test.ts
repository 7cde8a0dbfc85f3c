import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../shared/bridge/channels.ts';
import type { SettingsView } from '../../shared/bridge/contract.ts';
import { createEventSink } from '../ipc/event-sink.ts';
import { createRouter } from '../ipc/router.ts';
import { loadPolicy, type LoadedPolicy } from './policy.ts';
import { registerSettings } from './register-settings.ts';
import { createSettings, type SettingsDeps, type SettingsStore } from './settings.ts';
import { HTTPS_ONLY_MESSAGE } from './server-url-rule.ts';
import { settingsStoreOptions } from './store-options.ts';

let dir: string;
let configDir: string;
let documentsDir: string;
let settingsFile: string;
/** Every event the service pushed, after the contract check of the real event sink. */
let pushed: { event: BridgeEvent; payload: unknown }[];
let dropped: string[];
let repairs: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-settings-'));
  configDir = join(dir, 'config');
  documentsDir = join(dir, 'Documents');
  settingsFile = join(configDir, 'settings.json');
  pushed = [];
  dropped = [];
  repairs = [];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The real store, built as the app builds it; a new instance reads the same file again. */
const openStore = () =>
  new Conf(
    settingsStoreOptions({
      cwd: configDir,
      documentsDir,
      onRepair: (message) => repairs.push(message),
    }),
  );

const noPolicy = (): LoadedPolicy => loadPolicy(join(dir, 'absent-policy.json'));
const policyFrom = (contents: unknown): LoadedPolicy => {
  const file = join(dir, 'policy.json');
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return loadPolicy(file);
};

const make = (overrides: Partial<SettingsDeps> = {}) =>
  createSettings({
    store: openStore(),
    policy: noPolicy(),
    documentsDir,
    sink: createEventSink(
      (event, payload) => pushed.push({ event, payload }),
      (event, reason) => dropped.push(`${event}: ${reason}`),
    ),
    chooseFolder: () => Promise.resolve(null),
    ...overrides,
  });

const fileText = () => readFileSync(settingsFile, 'utf8');
const defaultFolder = () => join(documentsDir, 'RichesReach Recordings');

const pinnedPolicy = {
  serverUrl: 'https://pinned.example.com',
  iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }],
  iceTransportPolicy: 'relay',
  recording: 'consent-required',
  recordingsFolder: '/srv/recordings',
  autoUpdate: false,
  updateChannel: 'stable',
  guestLinkMinutes: 90,
};

describe('settings without a policy', () => {
  it('says automatic updates are off where the installer is not signature-checked, unless IT turns them on', () => {
    const linux = make({ autoUpdateByDefault: false });
    expect(linux.view().autoUpdate).toBe(false);
    expect(linux.autoUpdate()).toBe(false);
    const turnedOn = make({ autoUpdateByDefault: false, policy: policyFrom({ autoUpdate: true }) });
    expect(turnedOn.view().autoUpdate).toBe(true);
  });

  it('starts from the defaults', () => {
    const settings = make();
    expect(settings.view()).toEqual({
      values: {
        serverUrl: '',
        cameraId: null,
        microphoneId: null,
        speakerId: null,
        notifyIncomingCalls: true,
        startWithCameraOff: false,
        startMuted: false,
      },
      recordingsFolder: defaultFolder(),
      // With no policy from IT, the other party must allow recording first.
      recordingPolicy: 'consent-required',
      autoUpdate: true,
      managed: [],
      policyError: null,
    });
    expect(settings.serverUrl()).toBe('');
    expect(settings.iceServers()).toBeNull();
    expect(settings.iceTransportPolicy()).toBeNull();
    expect(settings.recordingPolicy()).toBe('consent-required');
    expect(settings.recordingsFolder()).toBe(defaultFolder());
    expect(settings.autoUpdate()).toBe(true);
    expect(settings.updateChannel()).toBeNull();
    expect(settings.guestLinkMinutes()).toBe(24 * 60);
  });

  it('stores a change, returns and pushes the new view, and keeps it across restarts', () => {
    const settings = make();
    const view = settings.set({
      serverUrl: 'https://advisor.example.com',
      cameraId: 'cam-2',
      startMuted: true,
    });
    expect(view.values).toMatchObject({
      serverUrl: 'https://advisor.example.com',
      cameraId: 'cam-2',
      startMuted: true,
      microphoneId: null,
    });
    expect(pushed).toEqual([{ event: 'settings:changed', payload: view }]);
    expect(dropped).toEqual([]);
    expect(JSON.parse(fileText())).toMatchObject({ cameraId: 'cam-2', startMuted: true });

    const restarted = make();
    expect(restarted.view()).toEqual(view);
    expect(restarted.serverUrl()).toBe('https://advisor.example.com');
  });

  it('does not push an event when nothing changed', () => {
    const settings = make();
    settings.set({ startMuted: false, cameraId: null });
    settings.set({});
    expect(pushed).toEqual([]);
    settings.set({ startMuted: true });
    settings.set({ startMuted: true });
    // A key sent as undefined passes the partial schema; it is no change, not a crash.
    settings.set({ cameraId: undefined });
    expect(pushed).toHaveLength(1);
    expect(settings.view().values).toMatchObject({ startMuted: true, cameraId: null });
  });

  it('refuses unknown keys and bad values with invalid-arguments, storing nothing', () => {
    const settings = make();
    const before = settings.view();
    for (const patch of [
      { accessToken: 'eyJhbGciOi.secret' },
      { refreshToken: 'r-secret' },
      { password: 'hunter2', startMuted: true },
      { startMuted: 'yes' },
      { cameraId: 42 },
      { serverUrl: 'x'.repeat(3_000) },
    ]) {
      expect(() => settings.set(patch as never)).toThrow(
        expect.objectContaining({ code: 'invalid-arguments' }) as Error,
      );
    }
    expect(settings.view()).toEqual(before);
    expect(pushed).toEqual([]);
    const text = existsSync(settingsFile) ? fileText() : '';
    for (const secret of ['accessToken', 'eyJhbGciOi', 'refreshToken', 'password', 'hunter2']) {
      expect(text).not.toContain(secret);
    }
  });

  it('names the file for electron-store as for conf (electron-store takes the name from `name`)', () => {
    const options = settingsStoreOptions({ cwd: configDir, documentsDir });
    expect(options.name).toBe('settings');
    expect(options.configName).toBe(options.name);
    expect(openStore().path).toBe(settingsFile);
  });

  it('the store itself refuses a key that is not a setting (no token can land in the file)', () => {
    const store = openStore();
    expect(() => {
      store.set('accessToken' as never, 'eyJhbGciOi.secret' as never);
    }).toThrow(/accessToken/);
    expect(fileText()).not.toContain('eyJhbGciOi');
  });

  it('maps a failed write to a plain error and leaves the view as it was', () => {
    const real = openStore();
    const failing = (code: string): SettingsStore => ({
      get store() {
        return real.store;
      },
      set: () => {
        throw Object.assign(new Error(`${code}: simulated`), { code });
      },
    });
    expect(() => make({ store: failing('ENOSPC') }).set({ startMuted: true })).toThrow(
      expect.objectContaining({ code: 'disk-full' }) as Error,
    );
    expect(() => make({ store: failing('EACCES') }).set({ startMuted: true })).toThrow(
      expect.objectContaining({ code: 'not-writable' }) as Error,
    );
    expect(() => make({ store: failing('EIO') }).set({ startMuted: true })).toThrow(/EIO/);
    expect(pushed).toEqual([]);
    expect(make().view().values.startMuted).toBe(false);
  });

  it('refuses a relative documents folder', () => {
    expect(() => make({ documentsDir: 'Documents' })).toThrow(/absolute/);
  });

  it('refuses an http:// server address, saying why, and stores nothing', () => {
    const settings = make();
    expect(() => settings.set({ serverUrl: 'http://firm.example', startMuted: true })).toThrow(
      expect.objectContaining({ code: 'invalid-arguments', message: HTTPS_ONLY_MESSAGE }),
    );
    expect(settings.view().values).toMatchObject({ serverUrl: '', startMuted: false });
    expect(pushed).toEqual([]);
    settings.set({ serverUrl: 'https://firm.example' });
    expect(settings.serverUrl()).toBe('https://firm.example');
  });

  it('takes http:// on loopback only in an unpackaged build', () => {
    const unpackaged = make({ serverUrlRule: { allowLoopbackHttp: true } });
    unpackaged.set({ serverUrl: 'http://127.0.0.1:3001' });
    expect(unpackaged.serverUrl()).toBe('http://127.0.0.1:3001');
    const packaged = make({ serverUrlRule: { allowLoopbackHttp: false } });
    expect(() => packaged.set({ serverUrl: 'http://127.0.0.1:4001' })).toThrow(HTTPS_ONLY_MESSAGE);
    expect(packaged.serverUrl()).toBe('http://127.0.0.1:3001');
  });
});

describe('recordings folder', () => {
  it('changes only through the picker, which is shown the current folder and says what for', async () => {
    const shown: string[] = [];
    const settings = make({
      chooseFolder: (current, title) => {
        shown.push(current, title);
        return Promise.resolve('/data/recordings');
      },
    });
    const view = await settings.chooseRecordingsFolder();
    expect(shown).toEqual([defaultFolder(), 'Choose where recordings are saved']);
    expect(view.recordingsFolder).toBe('/data/recordings');
    expect(pushed).toEqual([{ event: 'settings:changed', payload: view }]);
    expect(make().recordingsFolder()).toBe('/data/recordings');
    expect(() => settings.set({ recordingsFolder: '/tmp/evil' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid-arguments' }) as Error,
    );
    expect(settings.recordingsFolder()).toBe('/data/recordings');
  });

  it('a cancelled picker changes nothing', async () => {
    const settings = make({ chooseFolder: () => Promise.resolve(null) });
    expect((await settings.chooseRecordingsFolder()).recordingsFolder).toBe(defaultFolder());
    expect(pushed).toEqual([]);
  });

  it('opens one picker at a time', async () => {
    let opened = 0;
    let answer: (folder: string | null) => void = () => undefined;
    const settings = make({
      chooseFolder: () => {
        opened += 1;
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
    });
    const first = settings.chooseRecordingsFolder();
    const second = settings.chooseRecordingsFolder();
    answer('/data/once');
    expect((await first).recordingsFolder).toBe('/data/once');
    expect((await second).recordingsFolder).toBe('/data/once');
    expect(opened).toBe(1);
    expect(pushed).toHaveLength(1);
  });

  it('does not store an unusable path from the picker', async () => {
    const settings = make({ chooseFolder: () => Promise.resolve('relative/folder') });
    await expect(settings.chooseRecordingsFolder()).rejects.toThrow(/unusable path/);
    expect(settings.recordingsFolder()).toBe(defaultFolder());
    expect(pushed).toEqual([]);
  });
});

describe('IT policy', () => {
  it('pinned keys win over stored values and are listed as managed', () => {
    make().set({ serverUrl: 'https://mine.example.com', cameraId: 'cam' });
    const settings = make({ policy: policyFrom(pinnedPolicy) });
    expect(settings.view()).toEqual({
      values: expect.objectContaining({
        serverUrl: 'https://pinned.example.com',
        cameraId: 'cam',
      }) as unknown,
      recordingsFolder: '/srv/recordings',
      recordingPolicy: 'consent-required',
      autoUpdate: false,
      managed: ['serverUrl', 'recordingsFolder', 'recordingPolicy', 'autoUpdate', 'iceServers'],
      policyError: null,
    });
    expect(settings.serverUrl()).toBe('https://pinned.example.com');
    expect(settings.iceServers()).toEqual(pinnedPolicy.iceServers);
    expect(settings.iceTransportPolicy()).toBe('relay');
    expect(settings.recordingPolicy()).toBe('consent-required');
    expect(settings.recordingsFolder()).toBe('/srv/recordings');
    expect(settings.autoUpdate()).toBe(false);
    expect(settings.updateChannel()).toBe('stable');
    expect(settings.guestLinkMinutes()).toBe(90);
    // The advisor's own value is kept underneath and returns when IT unpins the key.
    expect(make().serverUrl()).toBe('https://mine.example.com');
  });

  it('lists only the keys the policy pins', () => {
    const settings = make({ policy: policyFrom({ recording: 'disabled' }) });
    expect(settings.view().managed).toEqual(['recordingPolicy']);
    expect(settings.recordingPolicy()).toBe('disabled');
    settings.set({ serverUrl: 'https://free.example.com' });
    expect(settings.serverUrl()).toBe('https://free.example.com');
  });

  it('refuses to change a pinned key, changing nothing else in the same request', async () => {
    let pickerOpened = false;
    const settings = make({
      policy: policyFrom(pinnedPolicy),
      chooseFolder: () => {
        pickerOpened = true;
        return Promise.resolve('/data/elsewhere');
      },
    });
    const before = fileText();
    expect(() =>
      settings.set({ serverUrl: 'https://elsewhere.example.com', startMuted: true }),
    ).toThrow(
      expect.objectContaining({
        code: 'managed-by-policy',
        message: expect.stringMatching(/IT team/) as string,
      }) as Error,
    );
    await expect(settings.chooseRecordingsFolder()).rejects.toMatchObject({
      code: 'managed-by-policy',
    });
    expect(pickerOpened).toBe(false);
    expect(fileText()).toBe(before);
    expect(pushed).toEqual([]);
    expect(settings.view().values.startMuted).toBe(false);
    expect(make().serverUrl()).toBe('');
  });

  it.each([
    ['bad JSON', '{ "serverUrl": "https://pinned.example.com", ', /not valid JSON/],
    ['a wrong type', { serverUrl: 'https://pinned.example.com', autoUpdate: 'no' }, /"autoUpdate"/],
    [
      'an unknown key',
      { serverUrl: 'https://pinned.example.com', recordnig: 'disabled' },
      /"recordnig"/,
    ],
  ])(
    'a policy with %s is reported in the view and none of it is applied',
    (_, contents, problem) => {
      const settings = make({ policy: policyFrom(contents) });
      const view = settings.view();
      expect(view.policyError).toMatch(problem);
      expect(view.policyError).toContain(join(dir, 'policy.json'));
      expect(view.managed).toEqual([]);
      expect(view.values.serverUrl).toBe('');
      expect(view.autoUpdate).toBe(true);
      expect(settings.serverUrl()).toBe('');
      // Not pinned, so the advisor can still set it.
      expect(settings.set({ serverUrl: 'https://own.example.com' }).values.serverUrl).toBe(
        'https://own.example.com',
      );
    },
  );

  it('applies nothing of a policy that comes with an error, even if a caller passes both', () => {
    const settings = make({
      policy: { policy: { serverUrl: 'https://pinned.example.com' }, error: 'broken' },
    });
    expect(settings.view()).toMatchObject({ managed: [], policyError: 'broken' });
    expect(settings.serverUrl()).toBe('');
  });

  it('a missing policy file is no error', () => {
    expect(make().view().policyError).toBeNull();
  });
});

describe('a damaged settings file', () => {
  it('that is not JSON: every setting is back to its default, it is reported, and work goes on', () => {
    make().set({ cameraId: 'cam', startMuted: true });
    writeFileSync(settingsFile, '{"cameraId": "cam", "startMuted": tr');
    const settings = make();
    expect(settings.view().values).toMatchObject({ cameraId: null, startMuted: false });
    expect(repairs).toEqual([expect.stringMatching(/not valid JSON.*reset to their defaults/)]);
    expect(repairs[0]).toContain(settingsFile);
    settings.set({ microphoneId: 'mic' });
    expect(make().view().values.microphoneId).toBe('mic');
    expect(JSON.parse(fileText())).toMatchObject({ microphoneId: 'mic' });
  });

  it('with one bad value: only that key is reset, the rest is kept, and it is reported', () => {
    make().set({ serverUrl: 'https://keep.example.com', cameraId: 'cam' });
    const stored = JSON.parse(fileText()) as Record<string, unknown>;
    writeFileSync(
      settingsFile,
      JSON.stringify({ ...stored, startMuted: 'loud', recordingsFolder: 'relative' }),
    );
    const settings = make();
    expect(settings.view()).toMatchObject({
      values: { serverUrl: 'https://keep.example.com', cameraId: 'cam', startMuted: false },
      recordingsFolder: defaultFolder(),
    });
    expect(repairs).toHaveLength(1);
    expect(repairs[0]).toMatch(/"startMuted" had an invalid value; "recordingsFolder"/);
    // The repaired file was written back, so it is not repaired (or reported) again.
    expect(JSON.parse(fileText())).toMatchObject({ startMuted: false, cameraId: 'cam' });
    make().view();
    expect(repairs).toHaveLength(1);
  });

  it('with a key that is not a setting (a token someone put there): it is removed', () => {
    mkdirSync(configDir);
    writeFileSync(
      settingsFile,
      JSON.stringify({ serverUrl: 'https://keep.example.com', accessToken: 'eyJhbGciOi.secret' }),
    );
    const settings = make();
    expect(settings.serverUrl()).toBe('https://keep.example.com');
    expect(repairs).toEqual([expect.stringMatching(/"accessToken" is not a setting/)]);
    expect(fileText()).not.toContain('eyJhbGciOi');
  });

  it('behind a store without our schema: the service still uses defaults key by key and logs it', () => {
    const plain = new Conf({ cwd: join(dir, 'plain'), configName: 'settings' });
    plain.set({ serverUrl: 'https://keep.example.com', cameraId: 42, startMuted: 'loud' });
    const logged: string[] = [];
    const settings = make({
      store: plain,
      log: (event, fields) => logged.push(`${event} ${String(fields?.key)}`),
    });
    expect(settings.view().values).toMatchObject({
      serverUrl: 'https://keep.example.com',
      cameraId: null,
      startMuted: false,
    });
    settings.view();
    expect(logged.sort()).toEqual([
      'settings.value-reset cameraId',
      'settings.value-reset startMuted',
    ]);
    expect(settings.set({ cameraId: 'cam' }).values.cameraId).toBe('cam');
  });
});

describe('over the bridge', () => {
  const sender = { url: 'app://advisor/index.html', isMainFrame: true };
  const bridge = (policy: LoadedPolicy) => {
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    registerSettings(router, make({ policy }));
    return router;
  };

  it('registers every settings channel', () => {
    const router = bridge(noPolicy());
    expect(router.unhandled().filter((channel) => channel.startsWith('settings:'))).toEqual([]);
  });

  it('an unknown key is invalid-arguments, a pinned key is managed-by-policy', async () => {
    const router = bridge(
      policyFrom({ serverUrl: 'https://pinned.example.com', recordingsFolder: '/srv/r' }),
    );
    expect(await router.invoke(sender, 'settings:set', [{ accessToken: 'x' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(
      await router.invoke(sender, 'settings:set', [{ serverUrl: 'https://x.example.com' }]),
    ).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    expect(await router.invoke(sender, 'settings:choose-recordings-folder', [])).toMatchObject({
      ok: false,
      error: { code: 'managed-by-policy' },
    });
    expect(existsSync(settingsFile) ? fileText() : '').not.toContain('accessToken');
  });

  it('answers get and set with the view', async () => {
    const router = bridge(noPolicy());
    const set = await router.invoke(sender, 'settings:set', [{ startMuted: true }]);
    expect(set).toMatchObject({ ok: true, value: { values: { startMuted: true } } });
    const got = await router.invoke(sender, 'settings:get', []);
    expect(got).toEqual(set);
    expect(pushed.map((event) => event.payload as SettingsView)).toEqual([
      (set as { value: SettingsView }).value,
    ]);
  });
});
