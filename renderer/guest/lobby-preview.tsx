import { DeviceSelect } from '../app/device-select.tsx';
import { MicLevelMeter } from '../app/mic-level-meter.tsx';
import { VideoView } from '../app/video-view.tsx';
import type { LobbyMedia } from './use-lobby-media.ts';

export interface DevicePick {
  cameraId: string | null;
  microphoneId: string | null;
}

/** What the guest will send: their camera, their microphone's level, and which devices. */
export function LobbyPreview({
  media,
  devices,
  pick,
  onPick,
}: {
  media: LobbyMedia;
  devices: readonly MediaDeviceInfo[];
  pick: DevicePick;
  onPick: (pick: DevicePick) => void;
}) {
  const hasVideo = (media.stream?.getVideoTracks().length ?? 0) > 0;
  const problems = [media.micProblem, media.cameraProblem].filter((p): p is string => !!p);
  return (
    <section className="guest-media" aria-label="Your camera and microphone">
      {media.stream && hasVideo ? (
        <VideoView
          stream={media.stream}
          label="Your camera preview"
          muted
          className="preview-video"
        />
      ) : (
        <div className="preview-placeholder">
          <p>{media.stream ? 'Sound only: no camera picture.' : 'Starting your camera…'}</p>
        </div>
      )}
      <MicLevelMeter level={media.level} />
      {problems.length > 0 && (
        <div className="notice">
          {problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
          <button type="button" onClick={media.retry}>
            Try the camera and microphone again
          </button>
        </div>
      )}
      <div className="devices">
        <DeviceSelect
          label="Camera"
          kind="videoinput"
          devices={devices}
          value={pick.cameraId}
          onChange={(cameraId) => {
            onPick({ ...pick, cameraId });
          }}
        />
        <DeviceSelect
          label="Microphone"
          kind="audioinput"
          devices={devices}
          value={pick.microphoneId}
          onChange={(microphoneId) => {
            onPick({ ...pick, microphoneId });
          }}
        />
      </div>
    </section>
  );
}
