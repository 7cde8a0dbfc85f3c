import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { clipboard } from 'electron';
import { MAX_CLIPBOARD_CHARS } from '../../shared/bridge/contract.ts';
import { createRouter } from '../ipc/router.ts';
import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
import { electronClipboardWriter, registerClipboard } from './register-clipboard.ts';

const sender = { url: 'app://advisor/index.html', isMainFrame: true };
const LINK = `https://advisor.example.com/join/${'a'.repeat(43)}`;

function setup() {
  const router = createRouter({ trustedOrigin: 'app://advisor' });
  registerClipboard(router, electronClipboardWriter(clipboard));
  return (...args: unknown[]) => router.invoke(sender, 'clipboard:write-text', args);
}

beforeEach(() => {
  resetElectronMock();
});

describe('clipboard:write-text', () => {
  it("puts exactly the text on Electron's clipboard", async () => {
    const write = setup();
    expect(await write(LINK)).toStrictEqual({ ok: true, value: null });
    expect(electronMock.clipboardTexts).toStrictEqual([LINK]);
  });

  it('refuses nothing, something not text, and too much text, writing nothing', async () => {
    const write = setup();
    for (const args of [[''], [42], [{ text: LINK }], ['x'.repeat(MAX_CLIPBOARD_CHARS + 1)], []]) {
      expect(await write(...args)).toMatchObject({
        ok: false,
        error: { code: 'invalid-arguments' },
      });
    }
    expect(electronMock.clipboardTexts).toStrictEqual([]);
  });

  it('says so in words when the OS clipboard refuses', async () => {
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    registerClipboard(router, () => Promise.reject(new Error('clipboard busy')));
    expect(await router.invoke(sender, 'clipboard:write-text', [LINK])).toStrictEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'The link could not be copied. Select it and copy it with the keyboard instead.',
      },
    });
  });

  it('refuses a sender that is not the app window', async () => {
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    registerClipboard(router, electronClipboardWriter(clipboard));
    const answer = await router.invoke(
      { url: 'https://evil.example/', isMainFrame: true },
      'clipboard:write-text',
      [LINK],
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad-sender' } });
    expect(electronMock.clipboardTexts).toStrictEqual([]);
  });
});
