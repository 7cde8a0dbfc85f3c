import { describe, expect, it } from 'vitest';
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
    const calls = { get: 0, set: [] as RTCRtpEncodingParameters[] };
    const sender = {
      track: { getSettings: () => ({ width }) },
      getParameters: () => {
        calls.get++;
        return { encodings: encodings.map((e) => ({ ...e })) };
      },
      setParameters: (p: { encodings: RTCRtpEncodingParameters[] }) => {
        calls.set.push(p.encodings[0]!);
        return Promise.resolve();
      },
    } as unknown as RTCRtpSender;
    return { sender, calls };
  }

  it('reaches WebRTC only when the encoding changes', async () => {
    const apply = createSendQualityApplier();
    const { sender, calls } = fakeSender(640);
    await apply(sender, sendQualityFor(4));
    await apply(sender, sendQualityFor(4));
    expect(calls.get).toBe(1);
    await apply(sender, sendQualityFor(3));
    expect(calls.set.map((e) => e.maxFramerate)).toEqual([20, 24]);
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
