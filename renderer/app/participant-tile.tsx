import { memo } from 'react';
import type { RemoteParticipant } from '../call/types.ts';
import { VideoView } from './video-view.tsx';

interface TileProps {
  person: RemoteParticipant;
  speakerId: string | null;
  active: boolean;
  small?: boolean;
}

/**
 * Only what a tile shows decides whether it renders again: the quality samples that come every
 * second, or another person's change, leave it alone. Add a field here when the tile shows it.
 */
function sameTile(a: TileProps, b: TileProps): boolean {
  const [p, q] = [a.person, b.person];
  const samePerson =
    p === q ||
    (p.id === q.id &&
      p.displayName === q.displayName &&
      p.guest === q.guest &&
      p.camera === q.camera &&
      p.speaking === q.speaking &&
      p.connection === q.connection &&
      p.muted === q.muted &&
      p.cameraOff === q.cameraOff);
  return samePerson && a.speakerId === b.speakerId && a.active === b.active && a.small === b.small;
}

/**
 * One person's camera tile: their video (which also plays their voice), their name (marked when
 * they are a client from a meeting link), whether they speak now, and their mute/camera state in
 * words (announced when it changes).
 */
export const ParticipantTile = memo(function ParticipantTile({
  person,
  speakerId,
  active,
  small = false,
}: TileProps) {
  const name = person.displayName;
  const classes = ['tile', small ? 'small' : '', person.speaking ? 'speaking' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <figure className={classes} aria-label={name}>
      {person.camera ? (
        <VideoView
          stream={person.camera}
          label={`${name}'s video`}
          className="tile-video"
          sinkId={speakerId}
        />
      ) : (
        <div className="tile-video placeholder">
          <p>{active ? `Waiting for ${name}'s video…` : `Connecting to ${name}…`}</p>
        </div>
      )}
      <figcaption>
        <span className="tile-name">{name}</span>
        {person.guest && <span className="tile-guest">Guest</span>}
        {person.speaking && <span className="tile-speaking">speaking</span>}
        {person.connection === 'reconnecting' && <span>reconnecting…</span>}
      </figcaption>
      {/* Always there, so a screen reader hears the change when they mute. */}
      <ul className="peer-state" aria-live="polite">
        {person.muted && <li>{name} is muted</li>}
        {person.cameraOff && <li>{name}&apos;s camera is off</li>}
      </ul>
    </figure>
  );
}, sameTile);
