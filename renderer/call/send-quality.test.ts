import { describe, expect, it, vi } from 'vitest';
import {
  captureFor,
  createSendQualityApplier,
  sendEncoding,
  sendQualityFor,
} from './send-quality.ts';

describe('what a camera sends as the meeting grows', () => {
  it('is 720p30 for two, then less resolution, rate and bitrate per added person', () => {
    const [two, three, four] = [2, 3, 4].map(sendQualityFor);
    expect(two).toMatchObject({ scaleResolutionDownBy: 1, maxFramerate: 30 });
    expect(1280 / (three?.scaleResolutionDownBy ?? 1)).toBe(960);
    expect(720 / (four?.scaleResolutionDownBy ?? 1)).toBe(360);
    expect(two!.maxBitrate).toBeGreaterThan(three!.maxBitrate);
    expect(three!.maxBitrate).toBeGreaterThan(four!.maxBitrate);
    expect(three!.maxFramerate).toBeGreaterThan(four!.maxFramerate);
  });

  it('has the camera capture what is sent, not 720p30 scaled down again by every encoder', () => {
    expect([2, 3, 4].map((people) => captureFor(sendQualityFor(people)))).toEqual([
      { width: 1280, height: 720, frameRate: 30 },
      { width: 960, height: 540, frameRate: 24 },
      { width: 640, height: 360, frameRate: 20 },
    ]);
  });
});

describe('the encoding a camera sender gets', () => {
  const four = sendQualityFor(4);

  it('sends a capture already at the meeting size as it is, and scales down a larger one', () => {
    expect(sendEncoding(four, 640)).toEqual({
      scaleResolutionDownBy: 1,
      maxFramerate: 20,
      maxBitrate: 450_000,
    });
    expect(sendEncoding(four, 1280).scaleResolutionDownBy).toBe(2);
    // No camera yet: it will be opened at the meeting's size.
    expect(sendEncoding(four, undefined).scaleResolutionDownBy).toBe(1);
  });
});

describe('applying a quality to a sender', () => {
  /** A sender whose camera captures `width`; counts what reaches WebRTC. */
  function fakeSender(width: number, encodings: RTCRtpEncodingParameters[] = [{}]) {
    const calls = {
      get: 0,
      set: [] as RTCRtpEncodingParameters[],
      preference: [] as string[],
      landed: 0,
    };
    let refusals = 0;
    const sender = {
      track: { getSettings: () => ({ width }) },
      getParameters: () => {
        calls.get++;
        return { encodings: encodings.map((e) => ({ ...e })) };
      },
      setParameters: (p: RTCRtpSendParameters) => {
        calls.set.push(p.encodings[0]!);
        calls.preference.push(p.degradationPreference ?? '');
        if (refusals > 0) {
          refusals--;
          return Promise.reject(new DOMException('changed meanwhile', 'InvalidModificationError'));
        }
        calls.landed++;
        return Promise.resolve();
      },
    } as unknown as RTCRtpSender;
    const refuse = (times: number) => {
      refusals = times;
    };
    return { sender, calls, refuse };
  }

  it('reaches WebRTC only when the encoding changes', async () => {
    const apply = createSendQualityApplier();
    const { sender, calls } = fakeSender(640);
    await apply(sender, sendQualityFor(4));
    await apply(sender, sendQualityFor(4));
    expect(calls.get).toBe(1);
    await apply(sender, sendQualityFor(3));
    expect(calls.set.map((e) => e.maxFramerate)).toEqual([20, 24]);
    // With the quality, in the same call: the resolution is kept when bandwidth is short.
    expect(calls.preference).toEqual(['maintain-resolution', 'maintain-resolution']);
  });

  it('tries again when WebRTC refuses it, unless another quality was asked for meanwhile', async () => {
    vi.useFakeTimers();
    try {
      const apply = createSendQualityApplier(10);
      const { sender, calls, refuse } = fakeSender(640);
      refuse(2); // the first two tries
      await apply(sender, sendQualityFor(4));
      await vi.advanceTimersByTimeAsync(25);
      expect(calls.set.map((e) => e.maxFramerate)).toEqual([20, 20, 20]);
      expect(calls.landed).toBe(1);
      // Asked for 3, refused; asked for 4 before the retry: only 4 is tried again.
      refuse(2);
      await apply(sender, sendQualityFor(3));
      await apply(sender, sendQualityFor(4));
      await vi.advanceTimersByTimeAsync(50);
      expect(calls.set.map((e) => e.maxFramerate).slice(3)).toEqual([24, 20, 20]);
      expect(calls.landed).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks again when the sender had no encodings yet (before its first negotiation)', async () => {
    const apply = createSendQualityApplier();
    const encodings: RTCRtpEncodingParameters[] = [];
    const { sender, calls } = fakeSender(640, encodings);
    await apply(sender, sendQualityFor(4));
    expect(calls.set).toEqual([]);
    encodings.push({}); // the same sender, negotiated now
    await apply(sender, sendQualityFor(4));
    expect(calls.set).toHaveLength(1);
  });
});
