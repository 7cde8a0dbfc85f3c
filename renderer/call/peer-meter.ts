/**
 * One read of a connection's getStats for all that is shown of it: its quality, in numbers and
 * in plain words, and how loud their voice was since the last read (for "who is speaking").
 */
import type { Quality } from './types.ts';

export interface PeerSample {
  quality: Quality;
  /** Their voice's RMS level (0..1) since the previous sample. */
  voice: number;
}

interface Previous {
  at: number;
  bytes: number;
  packetsLost: number;
  packetsReceived: number;
  energy: number;
  seconds: number;
}

/** What one read finds: the round trip and the inbound streams. */
interface Sample {
  rtt: number | null;
  bytes: number;
  lost: number;
  received: number;
  width: number | null;
  height: number | null;
  fps: number | null;
  /** The voice's totalAudioEnergy and totalSamplesDuration (they only grow). */
  energy: number;
  seconds: number;
}

/** The ids of the stats a sample needs, from the last full read of a report. */
interface Known {
  transports: string[];
  inbound: string[];
  receivers: number;
}

/** A full read now and then even when nothing seems to have changed. */
const FULL_READ_EVERY = 10;

type Stat = Record<string, unknown>;

function emptySample(): Sample {
  return {
    rtt: null,
    bytes: 0,
    lost: 0,
    received: 0,
    width: null,
    height: null,
    fps: null,
    energy: 0,
    seconds: 0,
  };
}

function addInbound(sample: Sample, stat: Stat, voiceMid: string | null): void {
  // Their voice, not a shared screen's sound (a browser without mids in stats: the first audio).
  const voice = stat.mid === undefined ? sample.seconds === 0 : stat.mid === voiceMid;
  if (stat.kind === 'audio' && voice) {
    sample.energy = Number(stat.totalAudioEnergy ?? 0);
    sample.seconds = Number(stat.totalSamplesDuration ?? 0);
  }
  sample.bytes += Number(stat.bytesReceived ?? 0);
  sample.lost += Number(stat.packetsLost ?? 0);
  sample.received += Number(stat.packetsReceived ?? 0);
  // The largest inbound video (the screen while one is shared) describes what we see.
  if (
    stat.kind === 'video' &&
    typeof stat.frameWidth === 'number' &&
    stat.frameWidth >= (sample.width ?? 0)
  ) {
    sample.width = stat.frameWidth;
    sample.height = typeof stat.frameHeight === 'number' ? stat.frameHeight : null;
    sample.fps = typeof stat.framesPerSecond === 'number' ? stat.framesPerSecond : null;
  }
}

/** The round trip of the pair a transport uses now. */
function rttOf(report: RTCStatsReport, transportId: string): number | null {
  const transport = report.get(transportId) as Stat | undefined;
  const pairId = transport?.selectedCandidatePairId;
  const pair = typeof pairId === 'string' ? (report.get(pairId) as Stat | undefined) : undefined;
  const rtt = pair?.currentRoundTripTime;
  return typeof rtt === 'number' ? rtt * 1000 : null;
}

/** Every stat of the report (each one is turned into an object: the costly way). */
function readAll(
  report: RTCStatsReport,
  receivers: number,
  voiceMid: string | null,
): { sample: Sample; known: Known } {
  const sample = emptySample();
  const known: Known = { transports: [], inbound: [], receivers };
  let nominatedRtt: number | null = null;
  report.forEach((stat: Stat) => {
    if (stat.type === 'transport') known.transports.push(String(stat.id));
    if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded') {
      if (typeof stat.currentRoundTripTime === 'number')
        nominatedRtt = stat.currentRoundTripTime * 1000;
    }
    if (stat.type === 'inbound-rtp') {
      known.inbound.push(String(stat.id));
      addInbound(sample, stat, voiceMid);
    }
  });
  sample.rtt = known.transports.map((id) => rttOf(report, id)).find((r) => r !== null) ?? null;
  sample.rtt ??= nominatedRtt;
  return { sample, known };
}

/** Only the stats named in `known`; null when one of them is gone (read everything then). */
function readKnown(report: RTCStatsReport, known: Known, voiceMid: string | null): Sample | null {
  const sample = emptySample();
  for (const id of known.inbound) {
    const stat = report.get(id) as Stat | undefined;
    if (!stat) return null;
    addInbound(sample, stat, voiceMid);
  }
  sample.rtt = known.transports.map((id) => rttOf(report, id)).find((r) => r !== null) ?? null;
  return sample;
}

/**
 * Samples one connection. Turning a stat into an object is most of what getStats costs, and a
 * report holds dozens (certificates, codecs, every candidate): after a full read, only the
 * transport's pair and the inbound streams are looked up by id, until the connection gains a
 * receiver (a shared screen) or a stream is gone, and every FULL_READ_EVERY samples anyway.
 * `voiceMid`: the mid of their voice's transceiver (its level, not a shared screen's sound).
 */
export function createPeerMeter(pc: RTCPeerConnection, voiceMid: () => string | null) {
  let previous: Previous | null = null;
  let known: Known | null = null;
  let sinceFull = 0;

  return async function measure(): Promise<PeerSample> {
    const report = await pc.getStats();
    const receivers = pc.getReceivers().length;
    const mid = voiceMid();
    // A stream that had no packets at the last full read has no stat yet: read all until each
    // receiver has its own.
    const current =
      known?.receivers === receivers &&
      known.inbound.length >= receivers &&
      sinceFull < FULL_READ_EVERY;
    let sample = known && current ? readKnown(report, known, mid) : null;
    sinceFull++;
    if (!sample) {
      const full = readAll(report, receivers, mid);
      sample = full.sample;
      known = full.known;
      sinceFull = 0;
    }
    const now = performance.now();
    const result = compare(sample, previous, now);
    previous = {
      at: now,
      bytes: sample.bytes,
      packetsLost: sample.lost,
      packetsReceived: sample.received,
      energy: sample.energy,
      seconds: sample.seconds,
    };
    return result;
  };
}

/** Rates since the previous sample (none for the first one). */
function compare(sample: Sample, previous: Previous | null, now: number): PeerSample {
  let bitrateKbps: number | null = null;
  let lossPct: number | null = null;
  let voice = 0;
  if (previous) {
    const seconds = (now - previous.at) / 1000;
    if (seconds > 0)
      bitrateKbps = Math.max(0, ((sample.bytes - previous.bytes) * 8) / 1000 / seconds);
    const newLost = sample.lost - previous.packetsLost;
    const newReceived = sample.received - previous.packetsReceived;
    lossPct =
      newLost + newReceived > 0 ? (100 * Math.max(0, newLost)) / (newLost + newReceived) : 0;
    const heard = sample.seconds - previous.seconds;
    if (heard > 0) voice = Math.sqrt(Math.max(0, sample.energy - previous.energy) / heard);
  }
  const { rtt: rttMs, width, height, fps } = sample;
  return { quality: describeQuality({ rttMs, lossPct, bitrateKbps, width, height, fps }), voice };
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
