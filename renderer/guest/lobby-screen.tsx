import { useId, useState, type SubmitEvent } from 'react';
import { guestNameSchema } from '../../shared/protocol/guest.ts';
import { LIMITS } from '../../shared/protocol/limits.ts';
import { useFocusOnMount } from '../app/hooks/use-focus-on-mount.ts';
import { LobbyPreview, type DevicePick } from './lobby-preview.tsx';
import { useDeviceList } from './use-device-list.ts';
import { useLobbyMedia } from './use-lobby-media.ts';

/**
 * Before knocking: the guest's name, a look at their camera and microphone, and "Ask to join".
 * The name is checked here with the server's own rule; a bad one sends nothing.
 */
export function LobbyScreen({
  name,
  onName,
  pick,
  onPick,
  busy,
  error,
  onJoin,
}: {
  /** Name and devices are kept by the page: still there after leaving and coming back. */
  name: string;
  onName: (name: string) => void;
  pick: DevicePick;
  onPick: (pick: DevicePick) => void;
  busy: boolean;
  /** Why the last try failed (from the server), in plain words. */
  error: string | null;
  /** With the name as the server's rule reads it (trimmed). */
  onJoin: (name: string) => void;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const { devices, refresh } = useDeviceList();
  // Device names are empty until access is granted: ask again once the preview runs.
  const media = useLobbyMedia(pick.cameraId, pick.microphoneId, refresh);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const nameId = useId();
  const errorId = useId();
  const shown = formError ?? error;

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = guestNameSchema.safeParse(name);
    if (!parsed.success) {
      setFormError(parsed.error.issues[0]?.message ?? 'Enter your name.');
      return;
    }
    if (media.micProblem) {
      setFormError(media.micProblem);
      return;
    }
    setFormError(null);
    onJoin(parsed.data);
  };

  return (
    <main className="centered">
      <div className="card guest-card">
        <h1 ref={headingRef} tabIndex={-1}>
          Join the meeting
        </h1>
        <p className="muted">Your advisor sees your name and lets you in.</p>
        <form onSubmit={submit} noValidate>
          <label htmlFor={nameId}>Your name</label>
          <input
            id={nameId}
            type="text"
            autoComplete="name"
            maxLength={LIMITS.displayNameChars}
            value={name}
            aria-invalid={formError !== null && !guestNameSchema.safeParse(name).success}
            aria-describedby={shown ? errorId : undefined}
            onChange={(event) => {
              onName(event.target.value);
            }}
          />
          <LobbyPreview media={media} devices={devices} pick={pick} onPick={onPick} />
          {shown && (
            <div id={errorId} role="alert" className="alert">
              <p>{shown}</p>
            </div>
          )}
          <button type="submit" className="primary guest-join" disabled={busy}>
            Ask to join
          </button>
          {busy && (
            <p role="status" className="muted">
              Asking to join…
            </p>
          )}
        </form>
      </div>
    </main>
  );
}
