/**
 * How the settings file is made, in one place: the Electron shell passes these options to
 * `new ElectronStore(...)`, tests and the browser host to `new Conf(...)`, so both build the same
 * store. The JSON schema is derived from the zod schema, so the file and the bridge cannot drift.
 * Settings hold preferences only: no token, password or other secret ever goes in this file.
 */
import { isAbsolute, join } from 'node:path';
import type { Options, Schema } from 'conf';
import { z } from 'zod';
import { userSettingsSchema } from '../../shared/bridge/contract.ts';

export const storedSettingsSchema = userSettingsSchema.extend({
  recordingsFolder: z.string().min(1).max(4_096).refine(isAbsolute, 'must be an absolute path'),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export const RECORDINGS_FOLDER_NAME = 'RichesReach Recordings';
const FILE_NAME = 'settings';
/** conf's own bookkeeping key (migrations); kept as it is. */
const CONF_INTERNAL_KEY = '__internal__';

export function settingsDefaults(documentsDir: string): StoredSettings {
  return {
    serverUrl: '',
    cameraId: null,
    microphoneId: null,
    speakerId: null,
    notifyIncomingCalls: true,
    startWithCameraOff: false,
    startMuted: false,
    recordingsFolder: join(documentsDir, RECORDINGS_FOLDER_NAME),
  };
}

const { $schema: _draft, ...jsonSchema } = z.toJSONSchema(storedSettingsSchema, { io: 'input' });
/** conf's `schema` option: one JSON schema per key. */
export const settingsJsonSchema = jsonSchema.properties as Schema<StoredSettings>;

export interface Repair {
  settings: Record<string, unknown>;
  /** What was dropped, in plain words (empty when the file was fine). */
  problems: string[];
}

/**
 * Keeps the good keys of a parsed settings file and drops the bad ones (so conf fills in their
 * defaults). Without this, conf's `clearInvalidConfig` would wipe every setting for one bad value.
 * Unknown keys are dropped too: nothing but preferences stays in the file.
 */
export function repairStoredSettings(parsed: unknown): Repair {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { settings: {}, problems: ['it does not hold a JSON object'] };
  }
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  const shape = storedSettingsSchema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === CONF_INTERNAL_KEY) settings[key] = value;
    else if (!Object.hasOwn(shape, key)) problems.push(`"${key.slice(0, 64)}" is not a setting`);
    else if (!shape[key]?.safeParse(value).success) problems.push(`"${key}" had an invalid value`);
    else settings[key] = value;
  }
  return { settings, problems };
}

export interface SettingsStoreOptionsInput {
  /** The folder of the settings file (Electron's userData in the app, a temp dir in tests). */
  cwd: string;
  /** The user's Documents folder; recordings default to a folder inside it. */
  documentsDir: string;
  /** Told, in plain words, when a damaged settings file was repaired (for the app's log). */
  onRepair?: (message: string) => void;
}

/** Options for `new Conf(...)` and `new ElectronStore(...)` alike. */
export function settingsStoreOptions(
  input: SettingsStoreOptionsInput,
): Options<StoredSettings> & { name: string } {
  const file = join(input.cwd, `${FILE_NAME}.json`);
  // conf reads the file on every access; a damaged file is reported once, not on each read.
  let lastReport: string | null = null;
  const report = (message: string | null) => {
    if (message !== null && message !== lastReport) input.onRepair?.(message);
    lastReport = message;
  };
  return {
    cwd: input.cwd,
    // electron-store names the file from `name` (and overwrites `configName` with it); conf reads
    // `configName`. Both are set so the app and the tests use the same file.
    name: FILE_NAME,
    configName: FILE_NAME,
    defaults: settingsDefaults(input.documentsDir),
    schema: settingsJsonSchema,
    // A key the schema does not name (say a token someone tried to put here) is refused by `set`.
    rootSchema: { additionalProperties: false },
    // The repair below handles bad values key by key; what is left for conf to clear is a file
    // that is not JSON at all, which is reset to defaults instead of stopping the app at start.
    clearInvalidConfig: true,
    deserialize: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (error) {
        report(
          `The settings file ${file} was not valid JSON; all settings were reset to their defaults.`,
        );
        throw error;
      }
      const { settings, problems } = repairStoredSettings(parsed);
      report(
        problems.length === 0
          ? null
          : `The settings file ${file} was damaged (${problems.join('; ')}); the affected settings were reset to their defaults.`,
      );
      return settings as StoredSettings;
    },
  };
}
