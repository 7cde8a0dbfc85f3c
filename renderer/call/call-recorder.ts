/**
 * Local recording of a meeting: every participant's camera (and any shared screen, large) laid
 * out on one canvas with their names, and every voice mixed, encoded by MediaRecorder as WebM in
 * short chunks that go to main's recording writer as they come, in order. Nothing is kept here
 * once main has it.
 */
import type { CallBridge } from './call-bridge.ts';
import type { RecordingSummary } from '../../shared/bridge/contract.ts';
import { drawTiles } from './recording-layout.ts';
import { createVoiceMixer } from './voice-mixer.ts';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 15;
/**
 * What a crash of this renderer can lose is the chunk MediaRecorder still holds plus the one in
 * flight, so chunks are half a second: a crash loses under a second (measured in the fault test).
 */
const CHUNK_MS = 500;
const MIME_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];

export interface RecorderTile {
  /** Its video is drawn. Give the same object every frame: a new stream costs a new <video>. */
  stream: MediaStream;
  label: string;
  kind: 'camera' | 'screen';
}

export interface RecorderSources {
  /**
   * What to draw, read every frame: any shared screen (mine included) first, then every
   * participant's camera, mine included (mine first: with two cameras the first is the inset).
   */
  tiles: () => RecorderTile[];
  /**
   * Every voice to mix, read again every ~250 ms: a microphone switch brings a new track that
   * must be mixed in (a list taken at start went silent after a switch).
   */
  voices: () => MediaStream[];
}

export interface ActiveRecording {
  stop(): Promise<RecordingSummary>;
  /** Resolves when writing failed (disk full…): the recording has stopped itself. */
  failed: Promise<string>;
}

function videoFor(stream: MediaStream, cache: Map<string, HTMLVideoElement>): HTMLVideoElement {
  let video = cache.get(stream.id);
  if (!video) {
    video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    cache.set(stream.id, video);
  }
  return video;
}

/** Lets go of the videos of streams no longer drawn (someone left, stopped sharing). */
function releaseUnused(cache: Map<string, HTMLVideoElement>, inUse: Set<string>): void {
  for (const [id, video] of cache) {
    if (inUse.has(id)) continue;
    video.srcObject = null;
    cache.delete(id);
  }
}

export async function startRecording(
  bridge: CallBridge,
  meta: { callId: string; participants: { id: string; displayName: string }[] },
  sources: RecorderSources,
): Promise<ActiveRecording> {
  const mimeType = MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? 'video/webm';
  const started = await bridge.recording.start({ ...meta, mimeType });
  if (!started.ok) throw new Error(started.error.message);
  const { recordingId } = started.value;

  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const context = canvas.getContext('2d');
  const videos = new Map<string, HTMLVideoElement>();
  const draw = () => {
    if (!context) return;
    const tiles = sources.tiles();
    releaseUnused(videos, new Set(tiles.map((tile) => tile.stream.id)));
    const drawable = tiles.map((tile) => ({ ...tile, video: videoFor(tile.stream, videos) }));
    drawTiles(context, drawable, WIDTH, HEIGHT);
  };
  // A timer, not requestAnimationFrame: rAF stops when the window is hidden, recording must not.
  const drawTimer = setInterval(draw, 1000 / FPS);
  draw();

  const mixer = createVoiceMixer(sources.voices);
  const output = new MediaStream([
    ...canvas.captureStream(FPS).getVideoTracks(),
    ...mixer.stream.getAudioTracks(),
  ]);
  const recorder = new MediaRecorder(output, { mimeType, videoBitsPerSecond: 1_000_000 });

  let chain: Promise<unknown> = Promise.resolve();
  let failure: string | null = null;
  let reportFailure: (message: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });

  const cleanUp = () => {
    clearInterval(drawTimer);
    for (const track of output.getTracks()) track.stop();
    releaseUnused(videos, new Set());
    mixer.close();
  };

  // Appends are sent in order as soon as each chunk's bytes are read, without waiting for the
  // previous answer (main's writer appends in call order): a slow answer never holds data back
  // here, where a crash would lose it. The answers are then handled in order in `chain`.
  let sending: Promise<unknown> = Promise.resolve();
  recorder.ondataavailable = (event) => {
    if (event.data.size === 0 || failure) return;
    const issued = sending.then(async () => {
      const bytes = new Uint8Array(await event.data.arrayBuffer());
      return failure ? null : { answer: bridge.recording.append(recordingId, bytes) };
    });
    sending = issued.catch(() => undefined);
    chain = chain.then(async () => {
      let problem: string | null;
      try {
        const sent = await issued;
        const result = sent && (await sent.answer);
        problem = result && !result.ok ? result.error.message : null;
      } catch (error) {
        problem = `The recording stopped: ${(error as Error).message}`;
      }
      if (problem === null || failure) return;
      failure = problem;
      if (recorder.state !== 'inactive') recorder.stop();
      cleanUp();
      await bridge.recording.stop(recordingId);
      reportFailure(failure);
    });
  };
  recorder.start(CHUNK_MS);

  return {
    failed,
    async stop() {
      if (recorder.state !== 'inactive') {
        const stopped = new Promise((resolve) => {
          recorder.addEventListener('stop', resolve, { once: true });
        });
        recorder.stop();
        await stopped;
      }
      await chain;
      cleanUp();
      if (failure) throw new Error(failure);
      const result = await bridge.recording.stop(recordingId);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    },
  };
}
