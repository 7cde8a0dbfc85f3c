import { useEffect, useState } from 'react';
import type { ScreenSource } from '../../shared/bridge/contract.ts';
import type { BridgeError } from '../../shared/bridge/results.ts';
import { advisor } from '../bridge.ts';

/** Our own picker over main's desktopCapturer sources: choose, then main grants exactly that one. */
export function ScreenPicker({
  onShare,
  onClose,
}: {
  onShare: (source: ScreenSource) => Promise<void>;
  onClose: () => void;
}) {
  const [sources, setSources] = useState<ScreenSource[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);

  useEffect(() => {
    void advisor.screen.listSources({ kinds: ['screen', 'window'] }).then((result) => {
      if (result.ok) setSources(result.value);
      else setError(result.error);
    });
  }, []);

  const share = () => {
    const source = sources?.find((s) => s.id === chosen);
    if (!source) return;
    void advisor.screen.choose({ sourceId: source.id, audio: false }).then(async (result) => {
      if (!result.ok) {
        setError(result.error);
        return;
      }
      try {
        await onShare(source);
        onClose();
      } catch (e) {
        setError({
          code: 'cancelled',
          message: `Screen sharing did not start: ${(e as Error).message}`,
        });
      }
    });
  };

  const group = (kind: ScreenSource['kind'], title: string) => {
    const list = sources?.filter((s) => s.kind === kind) ?? [];
    if (list.length === 0) return null;
    return (
      <fieldset>
        <legend>{title}</legend>
        <div className="sources">
          {list.map((source) => (
            <label key={source.id} className={chosen === source.id ? 'source chosen' : 'source'}>
              <input
                type="radio"
                name="screen-source"
                value={source.id}
                checked={chosen === source.id}
                onChange={() => {
                  setChosen(source.id);
                }}
              />
              <img src={source.thumbnail} alt={source.name} width={160} height={90} />
              <span>{source.name}</span>
            </label>
          ))}
        </div>
      </fieldset>
    );
  };

  return (
    <div className="overlay">
      <div role="dialog" aria-modal="true" aria-labelledby="picker-title" className="card dialog">
        <h2 id="picker-title">Share your screen</h2>
        {!sources && !error && <p>Looking for screens and windows…</p>}
        {group('screen', 'Screens')}
        {group('window', 'Windows')}
        {error && (
          <div role="alert" className="error">
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
        <div className="actions">
          <button type="button" className="primary" disabled={!chosen} onClick={share}>
            Share
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
