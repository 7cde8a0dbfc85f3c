import type { CallSnapshot } from '../call/types.ts';
import { VideoView } from './video-view.tsx';

/**
 * The videos: the other party large (their shared screen large with their camera beside it),
 * our own camera small, and the other party's mute/camera state in words.
 */
export function CallStage({
  call,
  name,
  speakerId,
}: {
  call: CallSnapshot;
  name: string;
  speakerId: string | null;
}) {
  const { local, remote } = call;
  const screen = remote.sharing ? remote.screen : null;
  return (
    <div className={screen ? 'stage sharing' : 'stage'}>
      {/* Fixed slots, so the camera's <video> (which also plays their voice) survives a share. */}
      {screen ? (
        <VideoView stream={screen} label={`${name}'s screen`} className="main-video" />
      ) : null}
      {remote.camera ? (
        <VideoView
          stream={remote.camera}
          label={screen ? `${name}'s camera` : `${name}'s video`}
          className={screen ? 'side-video' : 'main-video'}
          sinkId={speakerId}
        />
      ) : (
        <div className="main-video placeholder">
          <p>
            {call.phase === 'active' ? `Waiting for ${name}'s video…` : `Connecting to ${name}…`}
          </p>
        </div>
      )}
      {/* Always there, so a screen reader hears the change when they mute. */}
      <ul className="peer-state" aria-live="polite">
        {remote.muted && <li>{name} is muted</li>}
        {remote.cameraOff && <li>{name}&apos;s camera is off</li>}
      </ul>
      {local.camera && (
        <div className="self">
          <VideoView stream={local.camera} label="Your camera" muted className="self-video" />
          {local.cameraOff && <p className="self-off">Your camera is off</p>}
        </div>
      )}
    </div>
  );
}
