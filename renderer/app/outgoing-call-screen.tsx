import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';
import { VideoView } from './video-view.tsx';

/** Ringing someone: who, that it rings, and a way to stop. */
export function OutgoingCallScreen({ call, engine }: { call: CallSnapshot; engine: CallEngine }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const name = call.peer?.displayName ?? 'your colleague';
  return (
    <div className="screen centered">
      <section className="card calling" aria-labelledby="calling-title">
        <h1 id="calling-title" ref={headingRef} tabIndex={-1}>
          Calling {name}…
        </h1>
        <p role="status">Ringing…</p>
        {call.local.camera && (
          <VideoView
            stream={call.local.camera}
            label="Your camera"
            muted
            className="self-preview"
          />
        )}
        <button
          type="button"
          className="danger"
          onClick={() => {
            void engine.cancel();
          }}
        >
          Cancel
        </button>
      </section>
    </div>
  );
}
