import { useEffect, useId, useState } from 'react';
import type { ScreenSource } from '../../shared/bridge/contract.ts';
import type { BridgeError } from '../../shared/bridge/results.ts';
import { advisor } from '../bridge.ts';
import { useModalDialog } from './hooks/use-modal-dialog.ts';
import { ScreenSourceGroup } from './screen-source-group.tsx';

/**
 * Our own picker over main's list of screens and windows. Main then grants exactly the chosen
 * source to the capture that follows (pick-then-capture), so nothing else can be captured.
 */
export function ScreenSharePicker({
  onShare,
  onClose,
}: {
  /** Starts capturing the source main was told about; rejects when capture fails. */
  onShare: (source: ScreenSource, withSound: boolean) => Promise<void>;
  onClose: () => void;
}) {
  const [sources, setSources] = useState<ScreenSource[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [starting, setStarting] = useState(false);
  // Only Windows gives apps the computer's sound ("loopback"); elsewhere the choice is not offered.
  const [soundOffered, setSoundOffered] = useState(false);
  const [withSound, setWithSound] = useState(false);
  const titleId = useId();
  const ref = useModalDialog(onClose);

  useEffect(() => {
    let cancelled = false;
    void advisor.screen.listSources({ kinds: ['screen', 'window'] }).then((result) => {
      if (cancelled) return;
      if (result.ok) setSources(result.value);
      else setError(result.error);
    });
    void advisor.app.info().then((result) => {
      if (!cancelled && result.ok) setSoundOffered(result.value.platform === 'win32');
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const share = async () => {
    const source = sources?.find((candidate) => candidate.id === chosen);
    if (!source || starting) return;
    setStarting(true);
    setError(null);
    const sound = soundOffered && withSound;
    const result = await advisor.screen.choose({ sourceId: source.id, audio: sound });
    if (!result.ok) {
      setError(result.error);
      setStarting(false);
      return;
    }
    try {
      await onShare(source, sound);
      onClose();
    } catch (failure) {
      setError({
        code: 'cancelled',
        message: `Screen sharing did not start: ${failure instanceof Error ? failure.message : String(failure)}`,
      });
      setStarting(false);
    }
  };

  const screens = sources?.filter((source) => source.kind === 'screen') ?? [];
  const windows = sources?.filter((source) => source.kind === 'window') ?? [];
  return (
    <dialog ref={ref} aria-modal="true" aria-labelledby={titleId} className="card dialog picker">
      <h2 id={titleId}>Share your screen</h2>
      {sources === null && !error && <p aria-live="polite">Looking for screens and windows…</p>}
      {sources?.length === 0 && <p>There is nothing to share right now.</p>}
      <div className="source-list">
        <ScreenSourceGroup title="Screens" sources={screens} chosen={chosen} onChoose={setChosen} />
        <ScreenSourceGroup title="Windows" sources={windows} chosen={chosen} onChoose={setChosen} />
      </div>
      {error && (
        <div role="alert" className="alert">
          <p>{error.message}</p>
          {error.code === 'screen-permission-denied' && (
            <button
              type="button"
              onClick={() => {
                void advisor.screen.openPermissionSettings();
              }}
            >
              Open System Settings
            </button>
          )}
        </div>
      )}
      {soundOffered && (
        <label className="check">
          <input
            type="checkbox"
            checked={withSound}
            onChange={(event) => {
              setWithSound(event.target.checked);
            }}
          />
          Share computer sound
        </label>
      )}
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!chosen || starting}
          onClick={() => {
            void share();
          }}
        >
          Share
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
