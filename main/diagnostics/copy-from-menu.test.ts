import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { dialog } from 'electron';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
import { copyFromMenu } from './copy-from-menu.ts';

beforeEach(() => {
  resetElectronMock();
});

const show = (options: Parameters<typeof dialog.showMessageBox>[0]) =>
  dialog.showMessageBox(options);

describe('Help > Copy diagnostics', () => {
  it('copies, then says so', async () => {
    const copy = vi.fn(() => Promise.resolve());
    await copyFromMenu({ copy }, show);
    expect(copy).toHaveBeenCalledTimes(1);
    expect(electronMock.messageBoxes).toEqual([
      expect.objectContaining({ type: 'info', message: 'Diagnostics copied' }),
    ]);
  });

  it('says why when the copy fails, in the words main gave', async () => {
    const copy = () =>
      Promise.reject(
        new BridgeFailure('internal', 'The diagnostics could not be put on the clipboard.'),
      );
    await copyFromMenu({ copy }, show);
    expect(electronMock.messageBoxes).toEqual([
      expect.objectContaining({
        type: 'warning',
        message: 'The diagnostics were not copied',
        detail: 'The diagnostics could not be put on the clipboard.',
      }),
    ]);
  });
});
