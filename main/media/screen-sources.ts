/**
 * Screen share, pick-then-capture: the renderer lists sources (with thumbnails) and shows its own
 * picker, tells main the chosen id, then calls getDisplayMedia; the display-media handler grants
 * exactly that source, once. No choice, a stale choice or another origin: denied.
 *
 * Electron's objects come in as arguments, so this runs (and is tested) without Electron.
 */
import type { DisplayMediaRequestHandlerHandlerRequest, Streams } from 'electron';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { ScreenSource } from '../../shared/bridge/contract.ts';
import { APP_ORIGIN, originOf } from '../shell/protocol.ts';

export type SourceKind = ScreenSource['kind'];
export type ScreenPermission = 'granted' | 'denied' | 'not-determined' | 'restricted' | 'unknown';

interface Image {
  toDataURL(): string;
  isEmpty(): boolean;
}

/** The part of Electron's DesktopCapturerSource used here. */
export interface CapturerSource {
  id: string;
  name: string;
  thumbnail: Image;
  appIcon: Image | null;
}

export interface ScreenSourcesDeps {
  desktopCapturer: {
    getSources(options: {
      types: SourceKind[];
      thumbnailSize: { width: number; height: number };
      fetchWindowIcons: boolean;
    }): Promise<CapturerSource[]>;
  };
  systemPreferences: { getMediaAccessStatus(mediaType: 'screen'): ScreenPermission };
  platform: NodeJS.Platform;
  shell: { openExternal(url: string): Promise<void> };
  /** Origins whose getDisplayMedia may be granted (default: app://advisor). */
  trustedOrigins?: readonly string[];
  now?: () => number;
}

/** What the bridge channels need (the browser test host supplies its own). */
export interface ScreenSourcesApi {
  permission(): ScreenPermission;
  openPermissionSettings(): Promise<void>;
  list(options: { kinds: SourceKind[] }): Promise<ScreenSource[]>;
  choose(choice: { sourceId: string; audio: boolean }): void;
}

export type DisplayMediaCallback = (streams: Streams | null) => void;

export interface ScreenSources extends ScreenSourcesApi {
  /** For session.setDisplayMediaRequestHandler. */
  displayMediaRequestHandler(
    request: Pick<
      DisplayMediaRequestHandlerHandlerRequest,
      'securityOrigin' | 'audioRequested' | 'videoRequested'
    > & { frame: { url: string } | null },
    callback: DisplayMediaCallback,
  ): void;
}

export const THUMBNAIL_SIZE = { width: 320, height: 180 };
/** A choice not used by getDisplayMedia within this long is forgotten. */
export const CHOICE_TTL_MS = 30_000;
const MAC_SCREEN_SETTINGS =
  'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture';

interface PendingChoice {
  source: { id: string; name: string };
  audio: boolean;
  expiresAt: number;
}

export function kindOf(sourceId: string): SourceKind | null {
  if (sourceId.startsWith('screen:')) return 'screen';
  if (sourceId.startsWith('window:')) return 'window';
  return null;
}

export function createScreenSources(deps: ScreenSourcesDeps): ScreenSources {
  const now = deps.now ?? Date.now;
  const trusted = deps.trustedOrigins ?? [APP_ORIGIN];
  const isMac = deps.platform === 'darwin';
  // Only what the last list showed may be chosen: the renderer cannot name arbitrary ids.
  let listed = new Map<string, { id: string; name: string }>();
  let pending: PendingChoice | null = null;

  const permission = (): ScreenPermission =>
    isMac ? deps.systemPreferences.getMediaAccessStatus('screen') : 'granted';

  return {
    permission,
    async openPermissionSettings() {
      if (isMac) await deps.shell.openExternal(MAC_SCREEN_SETTINGS);
    },
    async list({ kinds }) {
      const status = permission();
      // Without the permission macOS hands out black thumbnails; say what to do instead.
      if (isMac && (status === 'denied' || status === 'restricted')) {
        throw new BridgeFailure(
          'screen-permission-denied',
          'RichesReach Advisor is not allowed to record the screen. Allow it in System Settings > Privacy & Security > Screen Recording, then try again.',
        );
      }
      const sources = await deps.desktopCapturer.getSources({
        types: [...new Set(kinds)],
        thumbnailSize: THUMBNAIL_SIZE,
        fetchWindowIcons: true,
      });
      const result: ScreenSource[] = [];
      const seen = new Map<string, { id: string; name: string }>();
      for (const source of sources) {
        const kind = kindOf(source.id);
        if (kind === null || !kinds.includes(kind)) continue;
        seen.set(source.id, { id: source.id, name: source.name });
        result.push({
          id: source.id,
          name: source.name,
          kind,
          thumbnail: source.thumbnail.toDataURL(),
          appIcon: source.appIcon && !source.appIcon.isEmpty() ? source.appIcon.toDataURL() : null,
        });
      }
      listed = seen;
      return result;
    },
    choose({ sourceId, audio }) {
      const source = listed.get(sourceId);
      if (!source) {
        throw new BridgeFailure(
          'no-such-source',
          'That screen or window is no longer available. Choose again.',
        );
      }
      pending = { source, audio, expiresAt: now() + CHOICE_TTL_MS };
    },
    displayMediaRequestHandler(request, callback) {
      const choice = pending;
      const origin = originOf(request.securityOrigin || (request.frame?.url ?? ''));
      if (origin === null || !trusted.includes(origin)) {
        callback({});
        return;
      }
      // One choice, one capture: a second getDisplayMedia needs a new pick.
      pending = null;
      if (!choice || choice.expiresAt < now() || !request.videoRequested) {
        callback({});
        return;
      }
      // System audio ("loopback") exists only on Windows; elsewhere Chromium has no loopback
      // device and the whole request would fail, so share the picture without sound.
      const loopback = choice.audio && request.audioRequested && deps.platform === 'win32';
      callback(loopback ? { video: choice.source, audio: 'loopback' } : { video: choice.source });
    },
  };
}
