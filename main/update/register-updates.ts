/**
 * Auto-update as the app runs it: the gate (IT's policy, the platform, an https feed) decides
 * whether, the policy on which channel, the call state when it may install, and the advisor sees
 * every stage on the bridge's `app:update` event.
 */
import type { EventSink } from '../ipc/event-sink.ts';
import type { Settings } from '../settings/settings.ts';
import { decideUpdates } from './update-gate.ts';
import { createUpdater, type AutoUpdater, type Updater } from './updater.ts';

export interface UpdatesDeps {
  autoUpdater: AutoUpdater;
  settings: Pick<Settings, 'autoUpdate' | 'updateChannel' | 'view'>;
  /** This install: its OS, and the feed address from app-update.yml (readFeedUrl). */
  installer: { platform: NodeJS.Platform; feedUrl: string | null };
  isInCall: () => boolean;
  sink: EventSink;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export function startUpdates(deps: UpdatesDeps): Updater {
  const pinned = deps.settings.view().managed.includes('autoUpdate');
  const decision = decideUpdates({
    policyAutoUpdate: pinned ? deps.settings.autoUpdate() : undefined,
    platform: deps.installer.platform,
    feedUrl: deps.installer.feedUrl,
  });
  if (!decision.enabled) deps.log?.(decision.event, { reason: decision.reason });
  // Turned off, the updater never touches electron-updater (updater.ts).
  const updater = createUpdater({
    autoUpdater: deps.autoUpdater,
    policy: {
      autoUpdate: decision.enabled,
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
