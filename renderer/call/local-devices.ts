/**
 * The one owner of my camera and microphone in a call: opens them (sound only when the camera
 * cannot be had), mutes, turns the camera off, and swaps devices mid-call. Every change of
 * tracks is reported once through `onTracks`, and the engine hands it to every peer session
 * (replaceTrack: no renegotiation) and to the recording's mixer.
 */
import {
  CALL_CAPTURE,
  cameraConstraints,
  describeMediaError,
  openCameraAndMic,
  openForCall,
} from './local-media.ts';
import type { LocalTracks } from './peer-session.ts';
import type { Capture } from './send-quality.ts';
import type { DeviceChoice } from './types.ts';

export interface LocalDevices {
  open(
    choice: DeviceChoice,
    muted: boolean,
    cameraOff: boolean,
    capture?: Capture,
  ): Promise<LocalTracks>;
  tracks(): LocalTracks | null;
  /** The camera captures this from now on (the meeting's size changed); same track, no swap. */
  fit(capture: Capture): Promise<void>;
  setMuted(muted: boolean): void;
  setCameraOff(off: boolean): void;
  /** One switch at a time, and only the newest choice. */
  switchTo(choice: DeviceChoice): Promise<void>;
  /** A device plugged in that the advisor chose is taken into use. */
  followPlugged(choice: DeviceChoice): Promise<void>;
  close(): void;
}

export function createLocalDevices(events: {
  onTracks(tracks: LocalTracks): void;
  onError(message: string | null): void;
  /** A device of ours ended (unplugged): switch to what is there. */
  onDeviceLost(): void;
}): LocalDevices {
  let current: LocalTracks | null = null;
  let muted = false;
  let cameraOff = false;
  let capture: Capture = CALL_CAPTURE;
  let switching: Promise<void> = Promise.resolve();
  let latest = 0;

  function adopt(stream: MediaStream): LocalTracks {
    const [audio = null] = stream.getAudioTracks();
    const [video = null] = stream.getVideoTracks();
    if (audio) audio.enabled = !muted;
    if (video) video.enabled = !cameraOff;
    current = { stream, audio, video };
    for (const track of stream.getTracks()) {
      track.addEventListener(
        'ended',
        () => {
          if (current?.stream === stream) events.onDeviceLost();
        },
        { once: true },
      );
    }
    return current;
  }

  // Read through a function after awaits: a narrowing from before the await would be stale.
  const tracksNow = (): LocalTracks | null => current;

  async function swap(choice: DeviceChoice): Promise<void> {
    if (!current) return;
    let fresh: MediaStream;
    try {
      fresh = await openCameraAndMic(choice, capture);
    } catch (error) {
      events.onError(describeMediaError(error));
      return;
    }
    const old = tracksNow();
    if (!old) {
      for (const track of fresh.getTracks()) track.stop();
      return;
    }
    events.onTracks(adopt(fresh));
    for (const track of old.stream.getTracks()) track.stop();
    events.onError(null);
  }

  return {
    async open(choice, startMuted, startCameraOff, wanted = CALL_CAPTURE) {
      muted = startMuted;
      capture = wanted;
      const { stream, cameraProblem } = await openForCall(choice, capture);
      cameraOff = startCameraOff || cameraProblem !== null;
      events.onError(cameraProblem);
      return adopt(stream);
    },
    tracks: () => current,
    async fit(wanted) {
      capture = wanted;
      const video = current?.video;
      // A camera that cannot do it keeps what it does: the senders scale down instead.
      await video?.applyConstraints(cameraConstraints(wanted)).catch(() => undefined);
    },
    setMuted(value) {
      muted = value;
      if (current?.audio) current.audio.enabled = !value;
    },
    setCameraOff(value) {
      cameraOff = value;
      if (current?.video) current.video.enabled = !value;
    },
    switchTo(choice) {
      const ticket = ++latest;
      switching = switching
        .then(() => (ticket === latest ? swap(choice) : undefined))
        .catch((error: unknown) => {
          events.onError(describeMediaError(error));
        });
      return switching;
    },
    async followPlugged(choice) {
      if (!current) return;
      const present = new Set(
        (await navigator.mediaDevices.enumerateDevices()).map((device) => device.deviceId),
      );
      const inUse = (track: MediaStreamTrack | null) => track?.getSettings().deviceId;
      const wanted = (id: string | null, track: MediaStreamTrack | null) =>
        id !== null && present.has(id) && inUse(track) !== id;
      if (wanted(choice.cameraId, current.video) || wanted(choice.microphoneId, current.audio)) {
        await this.switchTo(choice);
      }
    },
    close() {
      for (const track of current?.stream.getTracks() ?? []) track.stop();
      current = null;
    },
  };
}
