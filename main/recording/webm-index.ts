/**
 * One streaming pass over a recorded WebM (Chromium's MediaRecorder: a Segment and Clusters of
 * unknown size, no Duration, no Cues), read with ts-ebml's decoder: the elements before the first
 * Cluster, where each Cluster starts, which start on a video keyframe (the cue points) and how
 * long the recording is. Never holds more than one read piece and the element being decoded.
 */
import { Decoder, tools, type EBMLElementDetail } from 'ts-ebml';
import type { RecordingFs } from './files.ts';

const PIECE_BYTES = 1 << 20;
/** Chromium's head (EBML header, Info, Tracks) is a few hundred bytes. */
const MAX_HEAD_BYTES = 64 << 10;
/** A frame larger than this is not a frame: the file is not one we can read safely. */
const MAX_PENDING_BYTES = 64 << 20;
/** ts-ebml rewrites the head assuming the Segment's own tag is 4 ID bytes and 8 size bytes. */
const SEGMENT_TAG_BYTES = 12;
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const VIDEO = 1;

export interface CuePoint {
  CueTrack: number;
  /** Where the Cluster starts in the recorded file (absolute, as ts-ebml expects it). */
  CueClusterPosition: number;
  /** In TimestampScale units (milliseconds for Chromium). */
  CueTime: number;
}

export interface WebmIndex {
  /** Every element before the first Cluster, with its bytes: what ts-ebml rebuilds the head from. */
  head: EBMLElementDetail[];
  /** Where the first Cluster starts: everything from here on is kept as it is. */
  clustersAt: number;
  cues: CuePoint[];
  /** In TimestampScale units: the last frame's time plus one frame. */
  duration: number;
  timestampScale: number;
}

/** What one pass learns from the elements as they come. */
function createIndexer() {
  const head: EBMLElementDetail[] = [];
  const trackTypes = new Map<number, number>();
  const lastTimes = new Map<number, [number, number]>();
  const cues: CuePoint[] = [];
  const track = { number: -1, type: -1 };
  const cluster = { at: -1, time: 0, cued: false };
  let clustersAt = -1;
  let timestampScale = 1_000_000;
  let group: { track: number; time: number; referenced: boolean } | null = null;
  let foreign = false;

  function block(trackNumber: number, time: number, keyframe: boolean): void {
    const [, last] = lastTimes.get(trackNumber) ?? [time, time];
    lastTimes.set(trackNumber, [last, time]);
    const video = [...trackTypes.values()].includes(VIDEO);
    const cueable = video ? trackTypes.get(trackNumber) === VIDEO : true;
    if (!cueable || cluster.cued) return;
    // Only the first video frame of a Cluster decides: a cue must land on a keyframe.
    cluster.cued = true;
    if (keyframe)
      cues.push({ CueTrack: trackNumber, CueClusterPosition: cluster.at, CueTime: time });
  }

  function read(e: EBMLElementDetail): void {
    if (clustersAt < 0 && e.name !== 'Cluster') {
      // Copied: the decoder's bytes are a view of a whole read piece.
      head.push(e.type === 'm' ? e : { ...e, data: Buffer.from(e.data) });
    }
    switch (e.name) {
      case 'Cluster':
        if (e.type === 'm' && !e.isEnd) {
          if (clustersAt < 0) clustersAt = e.tagStart;
          Object.assign(cluster, { at: e.tagStart, time: 0, cued: false });
        }
        break;
      case 'Timestamp':
        if (e.type === 'u') cluster.time = e.value;
        break;
      case 'TimestampScale':
        if (e.type === 'u') timestampScale = e.value;
        break;
      case 'TrackEntry':
        if (e.type === 'm' && e.isEnd) trackTypes.set(track.number, track.type);
        break;
      case 'TrackNumber':
      case 'TrackType':
        if (e.type === 'u') track[e.name === 'TrackNumber' ? 'number' : 'type'] = e.value;
        break;
      case 'SimpleBlock':
      case 'Block': {
        if (e.type !== 'b') break;
        const parsed = tools.ebmlBlock(e.data);
        const time = cluster.time + parsed.timecode;
        // A Block's keyframe flag is not in the Block: its group has no ReferenceBlock.
        if (e.name === 'Block') group = { track: parsed.trackNumber, time, referenced: false };
        else block(parsed.trackNumber, time, parsed.keyframe);
        break;
      }
      case 'ReferenceBlock':
        if (group) group.referenced = true;
        break;
      case 'BlockGroup':
        if (e.type === 'm' && e.isEnd && group) block(group.track, group.time, !group.referenced);
        if (e.type === 'm' && e.isEnd) group = null;
        break;
      case 'Cues':
      case 'SeekHead':
      case 'Duration':
        // Already indexed or finished: not a live recording, left as it is.
        foreign = true;
        break;
    }
  }

  function result(): WebmIndex | null {
    if (foreign || clustersAt < 0) return null;
    let duration = 0;
    for (const [previous, last] of lastTimes.values()) {
      duration = Math.max(duration, last + (last - previous));
    }
    return { head, clustersAt, cues, duration, timestampScale };
  }

  return { read, result, started: () => clustersAt >= 0 };
}

/** The head ts-ebml can rewrite: an EBML header, then a Segment with a 12-byte tag, ending at the first Cluster. */
function headIsRewritable(index: WebmIndex): boolean {
  const segment = index.head.find((e) => e.name === 'Segment');
  const last = index.head.at(-1);
  const docType = index.head.find((e) => e.name === 'DocType');
  return (
    !!segment &&
    index.clustersAt <= MAX_HEAD_BYTES &&
    segment.dataStart - segment.tagStart === SEGMENT_TAG_BYTES &&
    last?.dataEnd === index.clustersAt &&
    docType?.type === 's' &&
    docType.value === 'webm' &&
    index.head.some((e) => e.name === 'Info') &&
    index.head.some((e) => e.name === 'Tracks')
  );
}

/**
 * Indexes the recorded file, or null when it is not a WebM this can finish (not EBML, already
 * indexed, cut in the middle of an element, or a head unlike MediaRecorder's).
 */
export async function indexWebm(fs: RecordingFs, path: string): Promise<WebmIndex | null> {
  const handle = await fs.open(path, 'r');
  try {
    const decoder = new Decoder();
    const indexer = createIndexer();
    let fed = 0;
    /** The end of the last element decoded whole: the file must end exactly there. */
    let decodedTo = 0;
    for (;;) {
      // A fresh ArrayBuffer per piece: the decoder takes one, and keeps a view of it.
      const piece = new ArrayBuffer(PIECE_BYTES);
      const { bytesRead } = await handle.read(new Uint8Array(piece), 0, PIECE_BYTES, fed);
      if (bytesRead === 0) break;
      if (fed === 0 && !EBML_MAGIC.every((byte, i) => new Uint8Array(piece)[i] === byte)) {
        return null;
      }
      fed += bytesRead;
      const elements = decoder.decode(
        bytesRead === PIECE_BYTES ? piece : piece.slice(0, bytesRead),
      );
      for (const element of elements) {
        indexer.read(element);
        if (element.type !== 'm') decodedTo = element.dataEnd;
      }
      if (fed - decodedTo > MAX_PENDING_BYTES) return null;
      if (!indexer.started() && fed >= MAX_HEAD_BYTES) return null;
    }
    const index = indexer.result();
    if (!index || decodedTo !== fed || !headIsRewritable(index)) return null;
    return index;
  } catch {
    // ts-ebml throws on bytes it cannot read as EBML: not a file we finish.
    return null;
  } finally {
    await handle.close();
  }
}
