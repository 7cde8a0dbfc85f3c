/**
 * The names of every bridge channel (`domain:verb`, renderer → main, answered) and every event
 * (main → renderer). Plain strings, no schemas: the preload needs only these.
 */
export const CHANNELS = [
  'app:info',
  'app:set-call-state',
  'app:notify-incoming-call',
  'app:notify-guest-waiting',
  'app:copy-diagnostics',
  'session:get',
  'session:sign-in',
  'session:sign-out',
  'directory:circles',
  'directory:ice-servers',
  'signal:status',
  'signal:send',
  'settings:get',
  'settings:set',
  'settings:choose-recordings-folder',
  'screen:permission',
  'screen:open-permission-settings',
  'screen:list-sources',
  'screen:choose',
  'recording:start',
  'recording:append',
  'recording:stop',
  'recording:reveal',
  'recordings:verify',
  'recordings:export',
  'recordings:folder-status',
  'guests:create-link',
  'guests:list-links',
  'guests:revoke-link',
  'clipboard:write-text',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const EVENTS = [
  'session:changed',
  'signal:connection',
  'signal:event',
  'settings:changed',
  'app:incoming-call-clicked',
  'app:guest-waiting-clicked',
  'app:quit-requested-in-call',
  'app:update',
] as const;
export type BridgeEvent = (typeof EVENTS)[number];
