import type { AppUpdater } from 'electron-updater';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { FakeAutoUpdater } from './testing/fake-auto-updater.ts';
import { createUpdater, type AutoUpdater, type UpdatePolicy } from './updater.ts';

function setup(policy: UpdatePolicy, inCall = false) {
  const fake = new FakeAutoUpdater();
  const state = { inCall };
  const onProgress = vi.fn();
  const onStage = vi.fn();
  const log = vi.fn();
  const updater = createUpdater({
    autoUpdater: fake,
    policy,
    isInCall: () => state.inCall,
    onProgress,
    onStage,
    log,
    checkIntervalMs: 60_000,
  });
  return { fake, state, onProgress, onStage, log, updater };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createUpdater', () => {
  it('takes the real electron-updater autoUpdater and the fake alike', () => {
    // Compile-time: tsc fails here if electron-updater's API drifts from the slice we use.
    expectTypeOf<AppUpdater>().toExtend<AutoUpdater>();
    expectTypeOf<FakeAutoUpdater>().toExtend<AutoUpdater>();
  });

  it('does nothing at all when the policy turns updates off', () => {
    const { fake, updater } = setup({ autoUpdate: false, channel: 'beta' });
    updater.start();
    vi.advanceTimersByTime(24 * 60 * 60 * 1000);
    updater.callEnded();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(fake.quitAndInstall).not.toHaveBeenCalled();
    expect(fake.assigned).toEqual([]);
    expect(fake.eventNames()).toEqual([]);
  });

  it('downloads in the background, keeps the pinned channel and checks again later', () => {
    const { fake, updater } = setup({ autoUpdate: true, channel: 'stable' });
    updater.start();
    expect(fake.autoDownload).toBe(true);
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(fake.channel).toBe('stable');
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('leaves the channel alone when none is pinned', () => {
    const { fake, updater } = setup({ autoUpdate: true });
    updater.start();
    expect(fake.assigned).not.toContain('channel');
    expect(fake.channel).toBeNull();
  });

  it('reports download progress', () => {
    const { fake, onProgress, updater } = setup({ autoUpdate: true });
    updater.start();
    fake.download('1.2.0');
    expect(onProgress).toHaveBeenCalledWith({
      percent: 50,
      transferred: 5,
      total: 10,
      bytesPerSecond: 1,
    });
  });

  it('installs at once when the update arrives outside a call', () => {
    const { fake, updater } = setup({ autoUpdate: true });
    updater.start();
    fake.download('1.2.0');
    expect(fake.quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
  });

  it('never restarts mid-call: an update downloaded during a call waits for the call to end', () => {
    const { fake, state, onStage, updater } = setup({ autoUpdate: true }, true);
    updater.start();
    fake.download('1.2.0');
    expect(fake.quitAndInstall).not.toHaveBeenCalled();
    expect(updater.waitingForCallEnd).toBe(true);
    expect(onStage).toHaveBeenLastCalledWith({ stage: 'waiting-for-call-end', version: '1.2.0' });

    // A second call started before the first one's end was reported: still waiting.
    updater.callEnded();
    expect(fake.quitAndInstall).not.toHaveBeenCalled();

    state.inCall = false;
    updater.callEnded();
    expect(fake.quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
    expect(updater.waitingForCallEnd).toBe(false);
    expect(onStage).toHaveBeenLastCalledWith({ stage: 'installing', version: '1.2.0' });
  });

  it('stops checking once an update is downloaded', () => {
    const { fake, updater } = setup({ autoUpdate: true }, true);
    updater.start();
    fake.download('1.2.0');
    vi.advanceTimersByTime(10 * 60_000);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
  });

  it('survives an unreachable update server and a failed download', async () => {
    const { fake, log, updater } = setup({ autoUpdate: true });
    fake.checkForUpdates.mockRejectedValueOnce(new Error('getaddrinfo ENOTFOUND updates.example'));
    updater.start();
    await vi.waitFor(() => {
      expect(log).toHaveBeenCalledWith('update.check-failed', {
        error: 'getaddrinfo ENOTFOUND updates.example',
      });
    });
    // Without a listener an 'error' event would throw here.
    fake.emit('error', new Error('sha512 checksum mismatch'));
    expect(log).toHaveBeenCalledWith('update.error', { error: 'sha512 checksum mismatch' });
    expect(fake.quitAndInstall).not.toHaveBeenCalled();
  });

  it('keeps running when the installer cannot start', () => {
    const { fake, log, updater } = setup({ autoUpdate: true });
    fake.quitAndInstall.mockImplementationOnce(() => {
      throw new Error('Cannot update while running on a read-only volume');
    });
    updater.start();
    expect(() => {
      fake.download('1.2.0');
    }).not.toThrow();
    expect(log).toHaveBeenCalledWith('update.install-failed', {
      error: 'Cannot update while running on a read-only volume',
    });
  });

  it('stop() removes its listeners and its timer', () => {
    const { fake, updater } = setup({ autoUpdate: true });
    updater.start();
    updater.stop();
    expect(fake.eventNames()).toEqual([]);
    vi.advanceTimersByTime(10 * 60_000);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
  });
});
