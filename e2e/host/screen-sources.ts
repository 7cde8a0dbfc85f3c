/**
 * The test host's stand-in for desktopCapturer (an OS picker, which cannot run here): one
 * synthetic screen, which Chromium's fake-media flags then capture through getDisplayMedia.
 */
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { ScreenSource } from '../../shared/bridge/contract.ts';
import type { ScreenSourcesApi } from '../../main/media/screen-sources.ts';

// A 4x3 grey PNG, the size of a thumbnail being irrelevant to the tests.
const THUMBNAIL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEklEQVR4nGNgYGBgYGBgYGAAAAANAAFeX4u0AAAAAElFTkSuQmCC';

export function createHostScreenSources(): ScreenSourcesApi & {
  chosen(): { sourceId: string; audio: boolean } | null;
} {
  const sources: ScreenSource[] = [
    {
      id: 'screen:0:0',
      name: 'Entire screen',
      kind: 'screen',
      thumbnail: THUMBNAIL,
      appIcon: null,
    },
  ];
  let chosen: { sourceId: string; audio: boolean } | null = null;
  return {
    permission: () => 'granted' as const,
    openPermissionSettings: () => Promise.resolve(),
    list: ({ kinds }) => Promise.resolve(sources.filter((s) => kinds.includes(s.kind))),
    choose: (choice) => {
      if (!sources.some((s) => s.id === choice.sourceId)) {
        throw new BridgeFailure('no-such-source', 'That screen or window is no longer available.');
      }
      chosen = choice;
    },
    chosen: () => chosen,
  };
}
