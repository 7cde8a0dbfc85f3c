/**
 * Mixes every voice of a meeting into one audio track for the recording. The set of voices
 * changes during a call (someone joins or leaves, a microphone switch brings a new track), so it
 * is read again every 250 ms and the mix follows; a fixed list taken at start went silent after
 * a switch. The mix is rendered without a loudspeaker: it only feeds the recording.
 */

const RESYNC_MS = 250;

export interface VoiceMixer {
  /** The mixed voices: one audio track, live until close(). */
  readonly stream: MediaStream;
  close(): void;
}

/** Which track ids to connect and which to disconnect so that the mix is exactly `live`. */
export function diffTracks(
  connected: Iterable<string>,
  live: Iterable<string>,
): { add: string[]; remove: string[] } {
  const before = new Set(connected);
  const after = new Set(live);
  return {
    add: [...after].filter((id) => !before.has(id)),
    remove: [...before].filter((id) => !after.has(id)),
  };
}

interface TrackLike {
  id: string;
  readyState: string;
}

/** The live audio tracks of these streams by id (an ended one, e.g. an unplugged mic, is out). */
export function liveAudioTracks<T extends TrackLike>(
  streams: readonly { getAudioTracks(): T[] }[],
): Map<string, T> {
  const live = new Map<string, T>();
  for (const stream of streams) {
    for (const track of stream.getAudioTracks()) {
      if (track.readyState === 'live') live.set(track.id, track);
    }
  }
  return live;
}

export function createVoiceMixer(voices: () => MediaStream[]): VoiceMixer {
  // No output device: a silent audio output would cost a stream of its own (about 2 % of a core
  // between this page and the audio service). Where unknown, the option is ignored.
  const options: AudioContextOptions & { sinkId?: { type: 'none' } } = { sinkId: { type: 'none' } };
  const context = new AudioContext(options);
  const mix = context.createMediaStreamDestination();
  const sources = new Map<string, MediaStreamAudioSourceNode>();
  let closed = false;

  function resync(): void {
    const live = liveAudioTracks(voices());
    const { add, remove } = diffTracks(sources.keys(), live.keys());
    for (const id of remove) {
      sources.get(id)?.disconnect();
      sources.delete(id);
    }
    for (const id of add) {
      const track = live.get(id);
      if (!track) continue;
      // A stream of its own per track: a source node follows the stream's first audio track
      // only, and a stream that gains a track later (a new microphone) is not re-read.
      const source = context.createMediaStreamSource(new MediaStream([track]));
      source.connect(mix);
      sources.set(id, source);
    }
  }

  resync();
  const timer = setInterval(resync, RESYNC_MS);

  return {
    stream: mix.stream,
    close() {
      // The recorder may clean up twice (after a write failure, then in stop()).
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const source of sources.values()) source.disconnect();
      sources.clear();
      for (const track of mix.stream.getTracks()) track.stop();
      context.close().catch(() => undefined);
    },
  };
}
