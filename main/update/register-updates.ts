/**
 * Auto-update as the app runs it: IT's policy (through settings) decides whether and on which
 * channel, the call state decides when it may install, and the advisor sees every stage on the
 * bridge's `app:update` event.
 */
import type { EventSink } from '../ipc/event-sink.ts';
import type { Settings } from '../settings/settings.ts';
import { createUpdater, type AutoUpdater, type Updater } from './updater.ts';

export interface UpdatesDeps {
  autoUpdater: AutoUpdater;
  settings: Pick<Settings, 'autoUpdate' | 'updateChannel'>;
  isInCall: () => boolean;
  sink: EventSink;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export function startUpdates(deps: UpdatesDeps): Updater {
  const updater = createUpdater({
    autoUpdater: deps.autoUpdater,
    policy: {
      autoUpdate: deps.settings.autoUpdate(),
      channel: deps.settings.updateChannel() ?? undefined,
    },
    isInCall: deps.isInCall,
    onProgress: ({ percent }) => {
      deps.sink('app:update', {
        stage: 'downloading',
        percent: Math.min(100, Math.max(0, Math.round(percent))),
      });
    },
    onStage: (stage) => {
      deps.sink('app:update', stage);
    },
    ...(deps.log ? { log: deps.log } : {}),
  });
  updater.start();
  return updater;
}
