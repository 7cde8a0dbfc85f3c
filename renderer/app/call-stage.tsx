import type { CallSnapshot } from '../call/types.ts';
import { ParticipantTile } from './participant-tile.tsx';
import { VideoView } from './video-view.tsx';

/**
 * The videos: for two people the other one large and me inset; for three or four a 2x2 grid;
 * while someone shares a screen, that screen large for everyone and the cameras in a strip.
 */
export function CallStage({ call, speakerId }: { call: CallSnapshot; speakerId: string | null }) {
  const { local } = call;
  const joined = call.participants.filter((p) => p.state === 'joined');
  const sharer = joined.find((p) => p.sharing && p.screen);
  const active = call.phase === 'active';
  const layout = sharer ? 'sharing' : joined.length >= 2 ? 'grid' : 'pair';
  return (
    <div className={`stage ${layout}`}>
      {sharer?.screen && (
        <VideoView
          stream={sharer.screen}
          label={`${sharer.displayName}'s screen`}
          className="main-video"
        />
      )}
      <div className="tiles">
        {joined.map((person) => (
          <ParticipantTile
            key={person.id}
            person={person}
            speakerId={speakerId}
            active={active}
            small={layout === 'sharing'}
          />
        ))}
        {joined.length === 0 && (
          <div className="tile placeholder">
            <p>Waiting for others to join…</p>
          </div>
        )}
        {local.camera && (
          <div className={layout === 'pair' ? 'self' : 'tile self-tile'}>
            <VideoView stream={local.camera} label="Your camera" muted className="self-video" />
            {local.cameraOff && <p className="self-off">Your camera is off</p>}
          </div>
        )}
      </div>
    </div>
  );
}
