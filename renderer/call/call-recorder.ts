/**
 * Local recording of a meeting: every participant's camera (and any shared screen, large) laid
 * out on one canvas with their names, and every voice mixed, encoded by MediaRecorder as WebM in
 * short chunks that go to main's recording writer as they come, in order. Nothing is kept here
 * once main has it.
 */
import type { CallBridge } from './call-bridge.ts';
import type { RecordingSummary } from '../../shared/bridge/contract.ts';
import { createComposer, type RecorderTile } from './recording-composer.ts';
import { createVoiceMixer } from './voice-mixer.ts';

export type { RecorderTile } from './recording-composer.ts';

/**
 * What a crash of this renderer can lose is the chunk MediaRecorder still holds plus the one in
 * flight, so chunks are half a second: a crash loses under a second (measured in the fault test).
 */
const CHUNK_MS = 500;
/**
 * VP9 first: Chromium's real-time VP9 encoder took 5-7 % less of a core than VP8 for the same
 * 1280x720 picture here (and gives a sharper one at the same bitrate); every player we target
 * reads VP9 in WebM.
 */
const MIME_TYPES = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm'];
/** Sized for 1280x720 at 10-15 fps: a shared screen's text stays sharp. */
const VIDEO_BITS_PER_SECOND = 2_000_000;
/**
 * A keyframe every 2 s: each is where a player can start after a seek (the Cues written at stop
 * point at them). Chromium's default is every 100 frames, ~7 s here. Browsers without the option
 * ignore it.
 */
const KEYFRAME_INTERVAL_MS = 2_000;

export interface RecorderSources {
  /**
   * What to draw, read every 250 ms: any shared screen (mine included) first, then every
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

export async function startRecording(
  bridge: CallBridge,
  meta: { callId: string; participants: { id: string; displayName: string }[] },
  sources: RecorderSources,
): Promise<ActiveRecording> {
  const mimeType = MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? 'video/webm';
  const composer = createComposer(sources.tiles);
  const started = await bridge.recording.start({ ...meta, mimeType });
  if (!started.ok) {
    composer.close();
    throw new Error(started.error.message);
  }
  const { recordingId } = started.value;

  const mixer = createVoiceMixer(() => [
    ...sources.voices(),
    // A shared screen's sound (a tab, or the computer's where the OS allows) is a voice too.
    ...sources.tiles().flatMap((tile) => (tile.kind === 'screen' ? [tile.stream] : [])),
  ]);
  const output = new MediaStream([composer.track, ...mixer.stream.getAudioTracks()]);
  const options: MediaRecorderOptions & { videoKeyFrameIntervalDuration?: number } = {
    mimeType,
    videoBitsPerSecond: VIDEO_BITS_PER_SECOND,
    videoKeyFrameIntervalDuration: KEYFRAME_INTERVAL_MS,
  };
  const recorder = new MediaRecorder(output, options);

  let chain: Promise<unknown> = Promise.resolve();
  let failure: string | null = null;
  let reportFailure: (message: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });

  const cleanUp = () => {
    composer.close();
    for (const track of output.getTracks()) track.stop();
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
