import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import {
  MockWebContents,
  electronMock,
  mockEvent,
  resetElectronMock,
} from '../testing/electron-mock.ts';
import type { WebContents } from 'electron';
import { guardNavigation, isAllowedNavigation, openExternalSafely } from './navigation.ts';

const TRUSTED = ['app://advisor'];

function guarded(): MockWebContents {
  const contents = new MockWebContents();
  guardNavigation(contents as unknown as WebContents, TRUSTED);
  return contents;
}

beforeEach(() => {
  resetElectronMock();
});

describe('navigation guard', () => {
  it('lets the window move within our origin', () => {
    const contents = guarded();
    expect(contents.attempt('will-navigate', 'app://advisor/index.html')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://advisor/other.html#x')).toBe(true);
    expect(contents.attempt('will-redirect', 'app://advisor/index.html')).toBe(true);
  });

  it.each([
    'https://evil.example/',
    'http://advisor/',
    'app://advisor.evil.example/',
    'app://other/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'not a url',
  ])('denies navigating or redirecting to %s', (url) => {
    const contents = guarded();
    expect(contents.attempt('will-navigate', url)).toBe(false);
    expect(contents.attempt('will-redirect', url)).toBe(false);
  });

  it('denies every window.open, without handing it to the OS', () => {
    const contents = guarded();
    const handler = contents.windowOpenHandler;
    expect(handler).not.toBeNull();
    for (const url of [
      'https://richesreach.example/help',
      'app://advisor/index.html',
      'file:///',
    ]) {
      const details = { url, frameName: '', features: '', disposition: 'new-window' };
      expect(handler!(details as Parameters<typeof handler & object>[0])).toStrictEqual({
        action: 'deny',
      });
    }
    expect(electronMock.openedExternally).toStrictEqual([]);
  });

  it('refuses to attach webviews', () => {
    const contents = guarded();
    const event = mockEvent();
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it('decides origins purely, with a dev server when trusted', () => {
    const withDev = [...TRUSTED, 'http://localhost:5173'];
    expect(isAllowedNavigation('http://localhost:5173/src/main.tsx', withDev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', withDev)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/', TRUSTED)).toBe(false);
  });
});

describe('openExternalSafely', () => {
  it('opens https links', async () => {
    expect(await openExternalSafely('https://richesreach.example/help?a=1')).toBe(true);
    expect(electronMock.openedExternally).toStrictEqual(['https://richesreach.example/help?a=1']);
  });

  it.each([
    'http://richesreach.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'smb://server/share',
    'x-apple.systempreferences:com.apple.preference.security',
    'https://user:pass@richesreach.example/',
    ' ',
    'not a url',
  ])('refuses %s', async (url) => {
    expect(await openExternalSafely(url)).toBe(false);
    expect(electronMock.openedExternally).toStrictEqual([]);
  });
});
