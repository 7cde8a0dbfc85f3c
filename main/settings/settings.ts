/**
 * The advisor's settings with IT's policy laid over them: pinned keys win, cannot be changed from
 * the UI, and are listed so the UI shows them read-only. Every change is pushed to the renderer.
 */
import { z } from 'zod';
import {
  userSettingsSchema,
  type RecordingPolicy,
  type SettingsView,
  type UserSettings,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { IceServer } from '../../shared/protocol/rest.ts';
import type { EventSink } from '../ipc/event-sink.ts';
import type { LoadedPolicy } from './policy.ts';
import { settingsDefaults, type StoredSettings } from './store-options.ts';

/** What electron-store and conf both offer. */
export interface SettingsStore {
  get<K extends keyof StoredSettings>(key: K): StoredSettings[K];
  set<K extends keyof StoredSettings>(key: K, value: StoredSettings[K]): void;
}

export interface SettingsDeps {
  store: SettingsStore;
  policy: LoadedPolicy;
  documentsDir: string;
  sink: EventSink;
  chooseFolder: (current: string) => Promise<string | null>;
}

export interface Settings {
  view(): SettingsView;
  set(patch: Partial<UserSettings>): SettingsView;
  chooseRecordingsFolder(): Promise<SettingsView>;
  serverUrl(): string;
  iceServers(): IceServer[] | null;
  iceTransportPolicy(): 'all' | 'relay' | null;
  recordingPolicy(): RecordingPolicy;
  recordingsFolder(): string;
  autoUpdate(): boolean;
  updateChannel(): string | null;
}

const USER_KEYS = Object.keys(userSettingsSchema.shape) as (keyof UserSettings)[];

export function createSettings(deps: SettingsDeps): Settings {
  const { policy } = deps.policy;
  const defaults = settingsDefaults(deps.documentsDir);
  const managed = [
    ...(policy.serverUrl !== undefined ? ['serverUrl'] : []),
    ...(policy.recordingsFolder !== undefined ? ['recordingsFolder'] : []),
    ...(policy.recording !== undefined ? ['recordingPolicy'] : []),
    ...(policy.autoUpdate !== undefined ? ['autoUpdate'] : []),
    ...(policy.iceServers !== undefined ? ['iceServers'] : []),
  ];

  const read = <K extends keyof StoredSettings>(key: K): StoredSettings[K] => {
    try {
      return deps.store.get(key);
    } catch {
      return defaults[key];
    }
  };

  const values = (): UserSettings => {
    const stored = Object.fromEntries(USER_KEYS.map((key) => [key, read(key)]));
    const parsed = userSettingsSchema.safeParse(stored);
    const own = parsed.success ? parsed.data : { ...defaults };
    return { ...own, ...(policy.serverUrl !== undefined ? { serverUrl: policy.serverUrl } : {}) };
  };

  const settings: Settings = {
    view: () => ({
      values: values(),
      recordingsFolder: settings.recordingsFolder(),
      recordingPolicy: settings.recordingPolicy(),
      autoUpdate: settings.autoUpdate(),
      managed,
      policyError: deps.policy.error,
    }),

    set(patch) {
      const parsed = userSettingsSchema.partial().strict().safeParse(patch);
      if (!parsed.success) {
        throw new BridgeFailure(
          'invalid-arguments',
          parsed.error.issues[0]?.message ?? 'Invalid settings.',
        );
      }
      for (const key of Object.keys(parsed.data)) {
        if (managed.includes(key)) {
          throw new BridgeFailure('managed-by-policy', 'Your IT team manages this setting.');
        }
      }
      for (const [key, value] of Object.entries(parsed.data) as [keyof UserSettings, never][]) {
        deps.store.set(key, value);
      }
      const view = settings.view();
      deps.sink('settings:changed', view);
      return view;
    },

    async chooseRecordingsFolder() {
      if (managed.includes('recordingsFolder')) {
        throw new BridgeFailure('managed-by-policy', 'Your IT team manages the recordings folder.');
      }
      const chosen = await deps.chooseFolder(settings.recordingsFolder());
      if (!chosen) return settings.view();
      deps.store.set('recordingsFolder', z.string().min(1).parse(chosen));
      const view = settings.view();
      deps.sink('settings:changed', view);
      return view;
    },

    serverUrl: () => values().serverUrl,
    iceServers: () => policy.iceServers ?? null,
    iceTransportPolicy: () => policy.iceTransportPolicy ?? null,
    recordingPolicy: () => policy.recording ?? 'allowed',
    recordingsFolder: () => policy.recordingsFolder ?? read('recordingsFolder'),
    autoUpdate: () => policy.autoUpdate ?? true,
    updateChannel: () => policy.updateChannel ?? null,
  };
  return settings;
}
