import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import type {
  DevicePermissionHandlerHandlerDetails,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  WebContents,
} from 'electron';
import { MockWebContents, resetElectronMock, session } from '../testing/electron-mock.ts';
import { applyPermissionPolicy, decidePermission } from './permissions.ts';

const OURS = ['app://advisor'];
const ask = (permission: string, origin: string | undefined, extra = {}) =>
  decidePermission({ permission, origin, isMainFrame: true, ...extra }, OURS);

beforeEach(() => {
  resetElectronMock();
});

describe('decidePermission (pure)', () => {
  it('grants camera and microphone to our origin', () => {
    expect(ask('media', 'app://advisor')).toBe(true);
    expect(ask('media', 'app://advisor/', { mediaTypes: ['audio', 'video'] })).toBe(true);
    expect(ask('media', 'app://advisor/index.html', { mediaTypes: ['video'] })).toBe(true);
  });

  it('grants display capture to our origin', () => {
    expect(ask('display-capture', 'app://advisor')).toBe(true);
  });

  it('denies media to any other origin', () => {
    expect(ask('media', 'https://evil.example', { mediaTypes: ['video'] })).toBe(false);
    expect(ask('media', 'app://evil')).toBe(false);
    expect(ask('display-capture', 'https://evil.example')).toBe(false);
    expect(ask('media', 'file:///index.html')).toBe(false);
    expect(ask('media', undefined)).toBe(false);
    expect(ask('media', 'garbage')).toBe(false);
  });

  it('denies media of another kind', () => {
    expect(ask('media', 'app://advisor', { mediaTypes: ['video', 'unknown'] })).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'clipboard-read', 'midiSysex', 'openExternal', 'hid'])(
    'denies %s even to our origin',
    (permission) => {
      expect(ask(permission, 'app://advisor')).toBe(false);
    },
  );

  it('denies subframes', () => {
    expect(
      decidePermission({ permission: 'media', origin: 'app://advisor', isMainFrame: false }, OURS),
    ).toBe(false);
  });

  it('trusts the dev server origin only when given', () => {
    const dev = [...OURS, 'http://localhost:5173'];
    expect(
      decidePermission(
        { permission: 'media', origin: 'http://localhost:5173/', isMainFrame: true },
        dev,
      ),
    ).toBe(true);
    expect(ask('media', 'http://localhost:5173/')).toBe(false);
  });
});

describe('session handlers', () => {
  const contents = new MockWebContents() as unknown as WebContents;

  function install() {
    applyPermissionPolicy(session.defaultSession, OURS);
    const ses = session.defaultSession;
    return {
      request: (permission: string, details: Record<string, unknown>): boolean => {
        const callback = vi.fn();
        ses.permissionRequestHandler!(
          contents,
          permission as 'media',
          callback,
          details as unknown as PermissionRequest,
        );
        expect(callback).toHaveBeenCalledTimes(1);
        return callback.mock.calls[0]![0] as boolean;
      },
      check: (permission: string, origin: string, details: Record<string, unknown>): boolean =>
        ses.permissionCheckHandler!(
          contents,
          permission as 'media',
          origin,
          details as unknown as PermissionCheckHandlerHandlerDetails,
        ),
    };
  }

  it('answers requests with the decision', () => {
    const { request } = install();
    const page = { isMainFrame: true, requestingUrl: 'app://advisor/index.html' };
    expect(
      request('media', {
        ...page,
        securityOrigin: 'app://advisor/',
        mediaTypes: ['audio', 'video'],
      }),
    ).toBe(true);
    expect(request('display-capture', page)).toBe(true);
    expect(request('geolocation', page)).toBe(false);
    expect(request('notifications', page)).toBe(false);
    expect(
      request('media', {
        isMainFrame: true,
        requestingUrl: 'https://evil.example/',
        securityOrigin: 'https://evil.example/',
        mediaTypes: ['video'],
      }),
    ).toBe(false);
    expect(request('media', { ...page, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
  });

  it('answers checks with the decision', () => {
    const { check } = install();
    expect(
      check('media', 'app://advisor', {
        isMainFrame: true,
        securityOrigin: 'app://advisor',
        mediaType: 'video',
      }),
    ).toBe(true);
    expect(check('media', 'app://advisor', { isMainFrame: true, mediaType: 'unknown' })).toBe(
      false,
    );
    expect(check('media', 'https://evil.example', { isMainFrame: true, mediaType: 'audio' })).toBe(
      false,
    );
    expect(check('geolocation', 'app://advisor', { isMainFrame: true })).toBe(false);
  });

  it('denies every device (HID, USB, serial)', () => {
    install();
    const handler = session.defaultSession.devicePermissionHandler!;
    expect(
      handler({
        deviceType: 'usb',
        origin: 'app://advisor',
      } as unknown as DevicePermissionHandlerHandlerDetails),
    ).toBe(false);
  });
});
