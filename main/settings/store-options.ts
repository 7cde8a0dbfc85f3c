/**
 * How the settings file is made: defaults and a JSON schema, shared by electron-store in the app
 * and conf in tests and the browser host, so both build the store the same way. With a schema,
 * conf refuses to load a hand-edited file with bad values; settings.ts then starts from defaults.
 */
import { join } from 'node:path';

export interface StoredSettings {
  serverUrl: string;
  cameraId: string | null;
  microphoneId: string | null;
  speakerId: string | null;
  notifyIncomingCalls: boolean;
  startWithCameraOff: boolean;
  startMuted: boolean;
  recordingsFolder: string;
}

export const RECORDINGS_FOLDER_NAME = 'RichesReach Recordings';

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

const nullableString = { type: ['string', 'null'], maxLength: 512 } as const;

export const settingsSchema = {
  serverUrl: { type: 'string', maxLength: 2048 },
  cameraId: nullableString,
  microphoneId: nullableString,
  speakerId: nullableString,
  notifyIncomingCalls: { type: 'boolean' },
  startWithCameraOff: { type: 'boolean' },
  startMuted: { type: 'boolean' },
  recordingsFolder: { type: 'string', minLength: 1, maxLength: 4096 },
} as const;

/** Options for `new Conf(...)` / `new ElectronStore(...)`. */
export function settingsStoreOptions(options: { cwd: string; documentsDir: string }) {
  return {
    cwd: options.cwd,
    configName: 'settings',
    projectName: 'richesreach-advisor',
    defaults: settingsDefaults(options.documentsDir),
    schema: settingsSchema,
    clearInvalidConfig: true,
  };
}
