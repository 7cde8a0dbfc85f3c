import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_TIMEOUT_MS, watchHealth } from './peer-health.ts';

/** The one thing watchHealth reads of a connection: its ICE state, and the handler it sets. */
function fakeConnection() {
  const pc = {
    iceConnectionState: 'new' as RTCIceConnectionState,
    oniceconnectionstatechange: null as (() => void) | null,
    restartIce: vi.fn(),
  };
  const become = (state: RTCIceConnectionState) => {
    pc.iceConnectionState = state;
    pc.oniceconnectionstatechange?.();
  };
  return { pc: pc as unknown as RTCPeerConnection, become };
}

describe("a connection's connect timeout", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const events = () => ({ onConnection: vi.fn(), onFailed: vi.fn() });

  it('fails a connection that never connects', () => {
    const { pc } = fakeConnection();
    const on = events();
    watchHealth(pc, { polite: false, events: on });
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(on.onFailed).toHaveBeenCalledWith('media-failed');
  });

  it('held (an offer for someone still ringing): runs from arm(), however long it rang', () => {
    const { pc, become } = fakeConnection();
    const on = events();
    const health = watchHealth(pc, { polite: false, events: on, held: true });
    vi.advanceTimersByTime(3 * CONNECT_TIMEOUT_MS); // a long ring
    expect(on.onFailed).not.toHaveBeenCalled();
    health.arm();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS - 1);
    expect(on.onFailed).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(on.onFailed).toHaveBeenCalledWith('media-failed');
    // Connected after all: no second failure, and arming again starts nothing.
    become('connected');
    health.arm();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(on.onFailed).toHaveBeenCalledTimes(1);
  });

  it('connected in time: never failed', () => {
    const { pc, become } = fakeConnection();
    const on = events();
    const health = watchHealth(pc, { polite: false, events: on, held: true });
    health.arm();
    become('connected');
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(on.onFailed).not.toHaveBeenCalled();
    expect(on.onConnection).toHaveBeenCalledWith('connected');
  });
});
