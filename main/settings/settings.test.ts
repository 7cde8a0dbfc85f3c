import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../shared/bridge/contract.ts';
import { createRouter } from '../ipc/router.ts';
import { loadPolicy, policyFilePath } from './policy.ts';
import { registerSettings } from './register-settings.ts';
import { createSettings, type SettingsStore } from './settings.ts';
import { settingsStoreOptions, type StoredSettings } from './store-options.ts';

let dir: string;
let events: SettingsView[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-settings-'));
  events = [];
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const store = () =>
  new Conf<StoredSettings>(
    settingsStoreOptions({ cwd: join(dir, 'config'), documentsDir: join(dir, 'Documents') }),
  ) as SettingsStore;
const policyFile = (contents: unknown) => {
  const file = join(dir, 'policy.json');
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
};
const make = (policy = loadPolicy(join(dir, 'no-policy.json')), chosen: string | null = null) =>
  createSettings({
    store: store(),
    policy,
    documentsDir: join(dir, 'Documents'),
    sink: (event, payload) => {
      if (event === 'settings:changed') events.push(payload as SettingsView);
    },
    chooseFolder: () => Promise.resolve(chosen),
  });

describe('settings', () => {
  it('has defaults, persists changes across restarts and pushes each change', () => {
    const first = make();
    expect(first.view()).toMatchObject({
      values: { serverUrl: '', cameraId: null, notifyIncomingCalls: true, startMuted: false },
      recordingsFolder: join(dir, 'Documents', 'RichesReach Recordings'),
      recordingPolicy: 'allowed',
      autoUpdate: true,
      managed: [],
      policyError: null,
    });
    first.set({ cameraId: 'cam-2', startMuted: true, serverUrl: 'https://advisor.example.com' });
    expect(events.at(-1)?.values).toMatchObject({ cameraId: 'cam-2', startMuted: true });
    const second = make();
    expect(second.view().values).toMatchObject({
      cameraId: 'cam-2',
      startMuted: true,
      serverUrl: 'https://advisor.example.com',
    });
  });

  it('refuses unknown keys (nothing token-like can be stored) and bad values', () => {
    const settings = make();
    expect(() => settings.set({ accessToken: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid-arguments' }),
    );
    expect(() => settings.set({ startMuted: 'yes' } as never)).toThrow(
      expect.objectContaining({ code: 'invalid-arguments' }),
    );
    expect(readFileSync(join(dir, 'config', 'settings.json'), 'utf8')).not.toContain('accessToken');
  });

  it('IT policy: pinned keys win, are listed as managed and cannot be changed', async () => {
    const settings = make(
      loadPolicy(
        policyFile({
          serverUrl: 'https://pinned.example.com',
          recording: 'consent-required',
          recordingsFolder: '/srv/recordings',
          autoUpdate: false,
        }),
      ),
    );
    settings.set({ cameraId: 'ok' });
    expect(settings.view()).toMatchObject({
      values: { serverUrl: 'https://pinned.example.com', cameraId: 'ok' },
      recordingsFolder: '/srv/recordings',
      recordingPolicy: 'consent-required',
      autoUpdate: false,
      managed: ['serverUrl', 'recordingsFolder', 'recordingPolicy', 'autoUpdate'],
    });
    expect(() => settings.set({ serverUrl: 'https://elsewhere.example.com' })).toThrow(
      expect.objectContaining({ code: 'managed-by-policy' }),
    );
    await expect(settings.chooseRecordingsFolder()).rejects.toMatchObject({
      code: 'managed-by-policy',
    });
    expect(settings.serverUrl()).toBe('https://pinned.example.com');
  });

  it('reports a malformed policy and applies none of it', () => {
    for (const [contents, problem] of [
      ['{ not json', /not valid JSON/],
      [{ recording: 'sometimes' }, /recording/],
      [{ serverUrl: 'https://ok.example.com', recordnig: 'disabled' }, /recordnig/],
      [{ recordingsFolder: 'relative/path' }, /absolute path/],
    ] as const) {
      const loaded = loadPolicy(policyFile(contents));
      expect(loaded.error).toMatch(problem);
      const settings = make(loaded);
      expect(settings.view().policyError).toMatch(/None of it is applied|none of it is applied/);
      expect(settings.view().managed).toEqual([]);
    }
  });

  it('a missing policy file is no error; the env var and each OS have their paths', () => {
    expect(loadPolicy(join(dir, 'absent.json'))).toEqual({ policy: {}, error: null });
    expect(policyFilePath('linux', {})).toBe('/etc/richesreach-advisor/policy.json');
    expect(policyFilePath('darwin', {})).toBe(
      '/Library/Application Support/RichesReach Advisor/policy.json',
    );
    expect(policyFilePath('win32', { ProgramData: 'D:\\PD' })).toContain('RichesReach Advisor');
    expect(policyFilePath('linux', { RICHESREACH_POLICY_FILE: '/tmp/p.json' })).toBe('/tmp/p.json');
  });

  it('chooses the recordings folder through the OS picker; cancel changes nothing', async () => {
    expect((await make(undefined, null).chooseRecordingsFolder()).recordingsFolder).toContain(
      'RichesReach Recordings',
    );
    expect((await make(undefined, '/data/rec').chooseRecordingsFolder()).recordingsFolder).toBe(
      '/data/rec',
    );
    expect(make().recordingsFolder()).toBe('/data/rec');
  });

  it('a corrupt settings file falls back to defaults and keeps working', () => {
    make().set({ cameraId: 'cam' });
    writeFileSync(join(dir, 'config', 'settings.json'), '{"cameraId": 42, "startMuted": "loud"');
    const settings = make();
    expect(settings.view().values.cameraId).toBeNull();
    settings.set({ startMuted: true });
    expect(make().view().values.startMuted).toBe(true);
  });

  it('through the router: unknown key → invalid-arguments, managed key → managed-by-policy', async () => {
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    registerSettings(
      router,
      make(loadPolicy(policyFile({ serverUrl: 'https://pinned.example.com' }))),
    );
    const sender = { url: 'app://advisor/index.html', isMainFrame: true };
    expect(await router.invoke(sender, 'settings:set', [{ password: 'x' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(
      await router.invoke(sender, 'settings:set', [{ serverUrl: 'https://x.example.com' }]),
    ).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    expect(await router.invoke(sender, 'settings:set', [{ startMuted: true }])).toMatchObject({
      ok: true,
    });
  });
});
