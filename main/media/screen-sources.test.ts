import { describe, expect, it, vi } from 'vitest';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { createRouter } from '../ipc/router.ts';
import { registerScreen } from './register-screen.ts';
import {
  CHOICE_TTL_MS,
  createScreenSources,
  type CapturerSource,
  type DisplayMediaCallback,
  type ScreenPermission,
  type ScreenSources,
} from './screen-sources.ts';

const image = (data: string) => ({ toDataURL: () => data, isEmpty: () => data === '' });

const SOURCES: CapturerSource[] = [
  {
    id: 'screen:1:0',
    name: 'Entire screen',
    thumbnail: image('data:image/png;base64,S1'),
    appIcon: null,
  },
  {
    id: 'window:42:0',
    name: 'Quarterly review.pdf',
    thumbnail: image('data:image/png;base64,W42'),
    appIcon: image('data:image/png;base64,I42'),
  },
  {
    id: 'window:43:0',
    name: 'Terminal',
    thumbnail: image('data:image/png;base64,W43'),
    appIcon: image(''),
  },
];

function setup(options: { platform?: NodeJS.Platform; status?: ScreenPermission } = {}) {
  let clock = 1_000_000;
  const getSources = vi.fn((request: { types: string[] }) =>
    Promise.resolve(SOURCES.filter((s) => request.types.some((t) => s.id.startsWith(`${t}:`)))),
  );
  const getMediaAccessStatus = vi.fn(
    (_type: 'screen'): ScreenPermission => options.status ?? 'granted',
  );
  const openExternal = vi.fn((_url: string) => Promise.resolve());
  const screen = createScreenSources({
    desktopCapturer: { getSources },
    systemPreferences: { getMediaAccessStatus },
    platform: options.platform ?? 'linux',
    shell: { openExternal },
    now: () => clock,
  });
  return {
    screen,
    getSources,
    getMediaAccessStatus,
    openExternal,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const fromUs = {
  securityOrigin: 'app://advisor',
  frame: { url: 'app://advisor/index.html' },
  videoRequested: true,
  audioRequested: false,
};

/** Runs the display-media handler and returns what it granted. */
function request(
  screen: ScreenSources,
  overrides: Partial<Omit<typeof fromUs, 'frame'>> & { frame?: { url: string } | null } = {},
) {
  const callback = vi.fn<DisplayMediaCallback>();
  screen.displayMediaRequestHandler({ ...fromUs, ...overrides }, callback);
  expect(callback).toHaveBeenCalledTimes(1);
  return callback.mock.calls[0]![0];
}

async function listAndChoose(screen: ScreenSources, sourceId: string, audio = false) {
  await screen.list({ kinds: ['screen', 'window'] });
  screen.choose({ sourceId, audio });
}

describe('screen sources: listing', () => {
  it('lists screens and windows with 320x180 thumbnails and app icons', async () => {
    const { screen, getSources } = setup();
    const sources = await screen.list({ kinds: ['screen', 'window'] });
    expect(getSources).toHaveBeenCalledWith({
      types: ['screen', 'window'],
      thumbnailSize: { width: 320, height: 180 },
      fetchWindowIcons: true,
    });
    expect(sources).toStrictEqual([
      {
        id: 'screen:1:0',
        name: 'Entire screen',
        kind: 'screen',
        thumbnail: 'data:image/png;base64,S1',
        appIcon: null,
      },
      {
        id: 'window:42:0',
        name: 'Quarterly review.pdf',
        kind: 'window',
        thumbnail: 'data:image/png;base64,W42',
        appIcon: 'data:image/png;base64,I42',
      },
      {
        id: 'window:43:0',
        name: 'Terminal',
        kind: 'window',
        thumbnail: 'data:image/png;base64,W43',
        appIcon: null,
      },
    ]);
  });

  it('lists only the kinds asked for', async () => {
    const { screen } = setup();
    const sources = await screen.list({ kinds: ['screen'] });
    expect(sources.map((s) => s.id)).toStrictEqual(['screen:1:0']);
  });

  it('on macOS with screen recording denied, says so instead of listing black thumbnails', async () => {
    const { screen, getSources } = setup({ platform: 'darwin', status: 'denied' });
    expect(screen.permission()).toBe('denied');
    const error = await screen.list({ kinds: ['screen'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeFailure);
    expect((error as BridgeFailure).code).toBe('screen-permission-denied');
    expect((error as BridgeFailure).message).toMatch(/System Settings/);
    expect((error as BridgeFailure).message).toMatch(/Screen Recording/);
    expect(getSources).not.toHaveBeenCalled();
  });

  it('on macOS before the first prompt, lists (the OS asks)', async () => {
    const { screen, getSources } = setup({ platform: 'darwin', status: 'not-determined' });
    await screen.list({ kinds: ['screen'] });
    expect(getSources).toHaveBeenCalledTimes(1);
  });

  it('asks macOS for the permission; elsewhere it is granted without asking', () => {
    const mac = setup({ platform: 'darwin', status: 'restricted' });
    expect(mac.screen.permission()).toBe('restricted');
    expect(mac.getMediaAccessStatus).toHaveBeenCalledWith('screen');
    const win = setup({ platform: 'win32', status: 'denied' });
    expect(win.screen.permission()).toBe('granted');
    expect(win.getMediaAccessStatus).not.toHaveBeenCalled();
  });

  it("opens macOS's Screen Recording settings; elsewhere does nothing", async () => {
    const mac = setup({ platform: 'darwin' });
    await mac.screen.openPermissionSettings();
    expect(mac.openExternal).toHaveBeenCalledWith(
      'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture',
    );
    const linux = setup({ platform: 'linux' });
    await linux.screen.openPermissionSettings();
    expect(linux.openExternal).not.toHaveBeenCalled();
  });
});

describe('screen sources: choice and display-media handler', () => {
  it('grants exactly the chosen source once, then denies', async () => {
    const { screen } = setup();
    await listAndChoose(screen, 'window:42:0');
    expect(request(screen)).toStrictEqual({
      video: { id: 'window:42:0', name: 'Quarterly review.pdf' },
    });
    expect(request(screen)).toStrictEqual({});
  });

  it('denies without a choice', () => {
    const { screen } = setup();
    expect(request(screen)).toStrictEqual({});
  });

  it('refuses to choose an id the last list did not show', async () => {
    const { screen } = setup();
    expect(() => {
      screen.choose({ sourceId: 'screen:1:0', audio: false });
    }).toThrow(expect.objectContaining({ code: 'no-such-source' }));
    await screen.list({ kinds: ['screen'] });
    expect(() => {
      screen.choose({ sourceId: 'window:42:0', audio: false });
    }).toThrow(expect.objectContaining({ code: 'no-such-source' }));
    expect(request(screen)).toStrictEqual({});
  });

  it('denies another origin, and the choice stays for our page', async () => {
    const { screen } = setup();
    await listAndChoose(screen, 'screen:1:0');
    expect(
      request(screen, {
        securityOrigin: 'https://evil.example',
        frame: { url: 'https://evil.example/' },
      }),
    ).toStrictEqual({});
    expect(
      request(screen, { securityOrigin: '', frame: { url: 'https://evil.example/x' } }),
    ).toStrictEqual({});
    expect(request(screen, { securityOrigin: '', frame: null })).toStrictEqual({});
    expect(
      request(screen, { securityOrigin: '', frame: { url: 'app://advisor/index.html' } }),
    ).toStrictEqual({
      video: { id: 'screen:1:0', name: 'Entire screen' },
    });
  });

  it('forgets a choice after 30 seconds', async () => {
    const { screen, advance } = setup();
    await listAndChoose(screen, 'screen:1:0');
    advance(CHOICE_TTL_MS + 1);
    expect(request(screen)).toStrictEqual({});
  });

  it('still grants within the 30 seconds', async () => {
    const { screen, advance } = setup();
    await listAndChoose(screen, 'screen:1:0');
    advance(CHOICE_TTL_MS - 1);
    expect(request(screen)).toStrictEqual({ video: { id: 'screen:1:0', name: 'Entire screen' } });
  });

  it('adds system audio (loopback) on Windows when both the choice and the request ask for it', async () => {
    const { screen } = setup({ platform: 'win32' });
    await listAndChoose(screen, 'screen:1:0', true);
    expect(request(screen, { audioRequested: true })).toStrictEqual({
      video: { id: 'screen:1:0', name: 'Entire screen' },
      audio: 'loopback',
    });
  });

  it.each([
    ['win32', false, true],
    ['win32', true, false],
    ['darwin', true, true],
    ['linux', true, true],
  ] as const)(
    'on %s with audio chosen=%s, requested=%s: video only',
    async (platform, chosen, requested) => {
      const { screen } = setup({ platform });
      await listAndChoose(screen, 'screen:1:0', chosen);
      expect(request(screen, { audioRequested: requested })).toStrictEqual({
        video: { id: 'screen:1:0', name: 'Entire screen' },
      });
    },
  );
});

describe('screen channels through the router', () => {
  const sender = { url: 'app://advisor/index.html', isMainFrame: true };

  function routed(options: Parameters<typeof setup>[0] = {}) {
    const parts = setup(options);
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    registerScreen(router, parts.screen);
    return { ...parts, router };
  }

  it('answers permission, list and choose', async () => {
    const { router, screen } = routed({ platform: 'darwin', status: 'granted' });
    expect(await router.invoke(sender, 'screen:permission', [])).toStrictEqual({
      ok: true,
      value: 'granted',
    });
    const listed = await router.invoke(sender, 'screen:list-sources', [{ kinds: ['window'] }]);
    expect(listed.ok && (listed.value as { id: string }[]).map((s) => s.id)).toStrictEqual([
      'window:42:0',
      'window:43:0',
    ]);
    expect(
      await router.invoke(sender, 'screen:choose', [{ sourceId: 'window:43:0', audio: false }]),
    ).toStrictEqual({ ok: true, value: null });
    expect(request(screen)).toStrictEqual({ video: { id: 'window:43:0', name: 'Terminal' } });
    expect(await router.invoke(sender, 'screen:open-permission-settings', [])).toStrictEqual({
      ok: true,
      value: null,
    });
  });

  it('passes the plain failures on', async () => {
    const { router } = routed({ platform: 'darwin', status: 'denied' });
    const listed = await router.invoke(sender, 'screen:list-sources', [{ kinds: ['screen'] }]);
    expect(listed).toMatchObject({ ok: false, error: { code: 'screen-permission-denied' } });
    const chosen = await router.invoke(sender, 'screen:choose', [
      { sourceId: 'screen:9:0', audio: false },
    ]);
    expect(chosen).toMatchObject({ ok: false, error: { code: 'no-such-source' } });
  });

  it('covers every screen channel', () => {
    const { router } = routed();
    expect(router.unhandled().filter((c) => c.startsWith('screen:'))).toStrictEqual([]);
  });
});
