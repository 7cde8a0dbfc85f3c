import type { CallEngine } from '../call/types.ts';

/** While we share: what the other party sees, and the one "Stop sharing" button. */
export function ShareBar({ label, engine }: { label: string | null; engine: CallEngine }) {
  return (
    <div className="share-bar">
      <p>You are sharing {label ?? 'your screen'}</p>
      <button
        type="button"
        onClick={() => {
          engine.stopScreenShare();
        }}
      >
        Stop sharing
      </button>
    </div>
  );
}
