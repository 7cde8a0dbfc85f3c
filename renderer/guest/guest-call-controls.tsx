import type { CallEngine, CallSnapshot } from '../call/types.ts';

/** Mute, camera and Leave; labels say what a click does. A guest neither shares nor records. */
export function GuestCallControls({
  call,
  engine,
  onLeave,
}: {
  call: CallSnapshot;
  engine: CallEngine;
  onLeave: () => void;
}) {
  const { local } = call;
  // Sound only (no camera could be had): a camera button would do nothing.
  const camera = local.camera;
  return (
    <div role="group" aria-label="Call controls" className="controls">
      <button
        type="button"
        onClick={() => {
          engine.setMuted(!local.muted);
        }}
      >
        {local.muted ? 'Unmute' : 'Mute'}
      </button>
      {camera &&
        (camera.getVideoTracks().length > 0 ? (
          <button
            type="button"
            onClick={() => {
              engine.setCameraOff(!local.cameraOff);
            }}
          >
            {local.cameraOff ? 'Turn camera on' : 'Turn camera off'}
          </button>
        ) : (
          <span className="muted small">Sound only</span>
        ))}
      <button type="button" className="danger" onClick={onLeave}>
        Leave
      </button>
    </div>
  );
}
