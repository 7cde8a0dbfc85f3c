/** Connection quality from getStats, in numbers and in plain words. */
import type { Quality } from './types.ts';

interface Previous {
  at: number;
  bytes: number;
  packetsLost: number;
  packetsReceived: number;
}

export function createQualityMeter(pc: RTCPeerConnection) {
  let previous: Previous | null = null;

  return async function measure(): Promise<Quality> {
    const report = await pc.getStats();
    let rtt: number | null = null;
    let bytes = 0;
    let lost = 0;
    let received = 0;
    let width: number | null = null;
    let height: number | null = null;
    let fps: number | null = null;
    report.forEach((stat: Record<string, unknown>) => {
      if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded') {
        if (typeof stat.currentRoundTripTime === 'number') rtt = stat.currentRoundTripTime * 1000;
      }
      if (stat.type === 'inbound-rtp') {
        bytes += Number(stat.bytesReceived ?? 0);
        lost += Number(stat.packetsLost ?? 0);
        received += Number(stat.packetsReceived ?? 0);
        // The largest inbound video (the screen while one is shared) describes what we see.
        if (
          stat.kind === 'video' &&
          typeof stat.frameWidth === 'number' &&
          stat.frameWidth >= (width ?? 0)
        ) {
          width = stat.frameWidth;
          height = typeof stat.frameHeight === 'number' ? stat.frameHeight : null;
          fps = typeof stat.framesPerSecond === 'number' ? stat.framesPerSecond : null;
        }
      }
    });
    const now = performance.now();
    let bitrateKbps: number | null = null;
    let lossPct: number | null = null;
    if (previous) {
      const seconds = (now - previous.at) / 1000;
      if (seconds > 0) bitrateKbps = Math.max(0, ((bytes - previous.bytes) * 8) / 1000 / seconds);
      const newLost = lost - previous.packetsLost;
      const newReceived = received - previous.packetsReceived;
      lossPct =
        newLost + newReceived > 0 ? (100 * Math.max(0, newLost)) / (newLost + newReceived) : 0;
    }
    previous = { at: now, bytes, packetsLost: lost, packetsReceived: received };
    return describeQuality({ rttMs: rtt, lossPct, bitrateKbps, width, height, fps });
  };
}

export function describeQuality(numbers: Omit<Quality, 'level' | 'summary'>): Quality {
  const rtt = numbers.rttMs ?? 0;
  const loss = numbers.lossPct ?? 0;
  const level = rtt < 200 && loss < 2 ? 'good' : rtt < 500 && loss < 8 ? 'fair' : 'poor';
  const summary =
    level === 'good'
      ? 'Good connection'
      : level === 'fair'
        ? 'Fair connection: video may be less sharp'
        : 'Poor connection: video may freeze or drop';
  return { ...numbers, level, summary };
}
