/**
 * The advisor's settings with IT's policy laid over them: pinned keys win, cannot be changed from
 * the app, and are listed so the UI shows them read-only. Every change is pushed to the renderer.
 */
import { isAbsolute } from 'node:path';
import type { z } from 'zod';
import {
  userSettingsSchema,
  type RecordingPolicy,
  type SettingsView,
  type UserSettings,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { GUEST_LINK_MAX_MINUTES } from '../../shared/protocol/guest.ts';
import type { IceServer } from '../../shared/protocol/rest.ts';
import type { EventSink } from '../ipc/event-sink.ts';
import type { LoadedPolicy, Policy } from './policy.ts';
import { insecureServerUrl, type ServerUrlRule } from './server-url-rule.ts';
import { settingsDefaults, storedSettingsSchema, type StoredSettings } from './store-options.ts';

/** The slice of electron-store / conf the service uses; both satisfy it. */
export interface SettingsStore {
  /** The whole file. Read as untrusted: the service checks every key again. */
  readonly store: unknown;
  /** Writes several keys at once, so a change is never half-saved. */
  set(values: Partial<StoredSettings>): void;
}

/** Keys of the view that IT's policy can pin, with the policy key that pins each. */
const PINNABLE = {
  serverUrl: 'serverUrl',
  recordingsFolder: 'recordingsFolder',
  recordingPolicy: 'recording',
  autoUpdate: 'autoUpdate',
  iceServers: 'iceServers',
} as const satisfies Record<string, keyof Policy>;
export type ManagedKey = keyof typeof PINNABLE;

const MANAGED_MESSAGE: Partial<Record<ManagedKey, string>> = {
  serverUrl: 'Your IT team has set the server address, so it cannot be changed here.',
  recordingsFolder:
    'Your IT team has set where recordings are saved, so it cannot be changed here.',
};

/** The folder picker's title when choosing the recordings folder. */
export const RECORDINGS_FOLDER_TITLE = 'Choose where recordings are saved';

export interface SettingsDeps {
  store: SettingsStore;
  /** What `loadPolicy` read; with an error, nothing of the policy is applied. */
  policy: LoadedPolicy;
  /** The user's Documents folder (absolute); recordings default to a folder in it. */
  documentsDir: string;
  sink: EventSink;
  /** The OS folder picker (Electron's dialog in the app) with its title; null when cancelled. */
  chooseFolder: (current: string, title: string) => Promise<string | null>;
  /** Which server addresses may be saved (https:// only, loopback http:// when unpackaged). */
  serverUrlRule?: ServerUrlRule;
  /**
   * Whether this install updates itself when IT's policy does not say (main/update/update-gate.ts:
   * only where the installer's signature is checked). Default true.
   */
  autoUpdateByDefault?: boolean;
  /** Told when a stored value was unusable and its default is used instead. */
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface Settings {
  view(): SettingsView;
  /** Changes the advisor's own settings; refuses unknown keys, bad values and pinned keys. */
  set(patch: Partial<UserSettings>): SettingsView;
  /** The only way to change the recordings folder: the OS picker, never a path from the renderer. */
  chooseRecordingsFolder(): Promise<SettingsView>;
  serverUrl(): string;
  /** IT's ICE servers, or null when the server's own list is used. */
  iceServers(): IceServer[] | null;
  iceTransportPolicy(): 'all' | 'relay' | null;
  recordingPolicy(): RecordingPolicy;
  recordingsFolder(): string;
  autoUpdate(): boolean;
  updateChannel(): string | null;
  /** How long a new meeting link for a client stays valid (IT may shorten it). */
  guestLinkMinutes(): number;
}

const STORED_KEYS = Object.keys(storedSettingsSchema.shape) as (keyof StoredSettings)[];
const patchSchema = userSettingsSchema.partial().strict();

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    return `Not a setting: ${issue.keys.map((key) => key.slice(0, 64)).join(', ')}.`;
  }
  return issue ? `${issue.path.join('.')}: ${issue.message}` : 'Invalid settings.';
}

/** A failed write in words the advisor can act on; anything else stays an internal error. */
function saveFailure(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC') {
    return new BridgeFailure('disk-full', 'Your settings could not be saved: the disk is full.');
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new BridgeFailure(
      'not-writable',
      'Your settings could not be saved: the settings file cannot be written.',
    );
  }
  return error;
}

export function createSettings(deps: SettingsDeps): Settings {
  if (!isAbsolute(deps.documentsDir)) throw new Error('documentsDir must be an absolute path');
  // A policy with an error is applied not at all, even if a caller passes both.
  const policy: Policy = deps.policy.error === null ? deps.policy.policy : {};
  const defaults = settingsDefaults(deps.documentsDir);
  // Without a rule, an unpackaged build's (services.ts passes the packaged app's).
  const serverUrlRule = deps.serverUrlRule ?? { allowLoopbackHttp: true };
  const managed = (Object.keys(PINNABLE) as ManagedKey[]).filter(
    (key) => policy[PINNABLE[key]] !== undefined,
  );
  const reported = new Set<string>();
  const report = (event: string, key: string) => {
    if (reported.has(`${event}:${key}`)) return;
    reported.add(`${event}:${key}`);
    deps.log?.(event, { key });
  };

  /** What the file holds, key by key: a missing or bad value is its default, not a crash. */
  const stored = (): StoredSettings => {
    let raw: unknown;
    try {
      raw = deps.store.store;
    } catch (error) {
      report('settings.unreadable', error instanceof Error ? error.name : 'unknown');
      raw = {};
    }
    const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const merged: Record<string, unknown> = { ...defaults };
    for (const key of STORED_KEYS) {
      if (record[key] !== undefined) merged[key] = record[key];
    }
    const parsed = storedSettingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]) as keyof StoredSettings;
      merged[key] = defaults[key];
      report('settings.value-reset', key);
    }
    return storedSettingsSchema.parse(merged);
  };

  const view = (): SettingsView => {
    const { recordingsFolder, ...values } = stored();
    return {
      values: { ...values, serverUrl: policy.serverUrl ?? values.serverUrl },
      recordingsFolder: policy.recordingsFolder ?? recordingsFolder,
      recordingPolicy: policy.recording ?? 'consent-required',
      autoUpdate: policy.autoUpdate ?? deps.autoUpdateByDefault ?? true,
      managed: [...managed],
      policyError: deps.policy.error,
    };
  };

  const refuseIfManaged = (keys: readonly string[]) => {
    const pinned = managed.find((key) => keys.includes(key));
    if (pinned) {
      throw new BridgeFailure(
        'managed-by-policy',
        MANAGED_MESSAGE[pinned] ?? 'Your IT team manages this setting.',
      );
    }
  };

  /** Stores what differs and tells the renderer; an unchanged value is not an event. */
  const write = (changes: Partial<StoredSettings>): SettingsView => {
    const before = stored();
    // A key given as undefined (which a partial schema lets through) is no change.
    const changed = Object.fromEntries(
      Object.entries(changes as Record<string, unknown>).filter(
        ([key, value]) => value !== undefined && before[key as keyof StoredSettings] !== value,
      ),
    ) as Partial<StoredSettings>;
    if (Object.keys(changed).length === 0) return view();
    try {
      deps.store.set(changed);
    } catch (error) {
      throw saveFailure(error);
    }
    const next = view();
    deps.sink('settings:changed', next);
    return next;
  };

  let picking: Promise<SettingsView> | null = null;
  const pickFolder = async (): Promise<SettingsView> => {
    const chosen = await deps.chooseFolder(settings.recordingsFolder(), RECORDINGS_FOLDER_TITLE);
    if (chosen === null) return view();
    const folder = storedSettingsSchema.shape.recordingsFolder.safeParse(chosen);
    // The picker is the OS's own dialog; a relative path from it is a bug, not user input.
    if (!folder.success) throw new Error('The folder picker returned an unusable path.');
    return write({ recordingsFolder: folder.data });
  };

  const settings: Settings = {
    view,
    set(patch) {
      // Everything is checked before anything is written: a refused change changes nothing.
      const parsed = patchSchema.safeParse(patch);
      if (!parsed.success) throw new BridgeFailure('invalid-arguments', describe(parsed.error));
      refuseIfManaged(Object.keys(parsed.data));
      const insecure = parsed.data.serverUrl
        ? insecureServerUrl(parsed.data.serverUrl, serverUrlRule)
        : null;
      if (insecure) throw new BridgeFailure('invalid-arguments', insecure);
      return write(parsed.data);
    },
    async chooseRecordingsFolder() {
      refuseIfManaged(['recordingsFolder']);
      // One picker at a time: a second request while it is open waits for the same answer.
      picking ??= pickFolder().finally(() => {
        picking = null;
      });
      return picking;
    },
    serverUrl: () => policy.serverUrl ?? stored().serverUrl,
    iceServers: () => policy.iceServers ?? null,
    iceTransportPolicy: () => policy.iceTransportPolicy ?? null,
    recordingPolicy: () => policy.recording ?? 'consent-required',
    recordingsFolder: () => policy.recordingsFolder ?? stored().recordingsFolder,
    autoUpdate: () => policy.autoUpdate ?? deps.autoUpdateByDefault ?? true,
    updateChannel: () => policy.updateChannel ?? null,
    guestLinkMinutes: () => policy.guestLinkMinutes ?? GUEST_LINK_MAX_MINUTES,
  };
  return settings;
}
