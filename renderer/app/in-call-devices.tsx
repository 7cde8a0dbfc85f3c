/**
 * Camera, microphone and speaker, changeable mid-call. A choice is saved to Settings like any
 * other, and the call follows it (useDevicesFollow swaps the tracks with replaceTrack).
 */
import { memo, useEffect, useId, useRef, useState } from 'react';
import type { SettingsView, UserSettings } from '../../shared/bridge/contract.ts';
import type { CallEngine } from '../call/types.ts';
import { advisor } from '../bridge.ts';
import { DeviceSelects } from './device-selects.tsx';
import { useDevices } from './hooks/use-devices.ts';

export const InCallDevices = memo(function InCallDevices({
  settings,
}: {
  settings: SettingsView | null;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { devices } = useDevices();
  const panelId = useId();
  if (!settings) return null;
  const save = (patch: Partial<UserSettings>) => {
    void advisor.settings.set(patch).then((result) => {
      setError(result.ok ? null : result.error.message);
    });
  };
  return (
    <div className="in-call-devices">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpen(!open);
        }}
      >
        Devices
      </button>
      {open && (
        <div id={panelId} className="device-fields" role="group" aria-label="Devices for this call">
          <DeviceSelects view={settings} devices={devices} save={save} />
          {error && <p role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
});

/** While a call runs, a change of camera or microphone in Settings is applied to it. */
export function useDevicesFollow(engine: CallEngine, settings: SettingsView | null): void {
  const cameraId = settings?.values.cameraId ?? null;
  const microphoneId = settings?.values.microphoneId ?? null;
  const speakerId = settings?.values.speakerId ?? null;
  const first = useRef(true);
  useEffect(() => {
    // The call opens the saved devices itself; only later changes need a swap.
    if (first.current) {
      first.current = false;
      return;
    }
    void engine.setDevices({ cameraId, microphoneId, speakerId });
    // The speaker is applied by the video elements: a change of it alone needs no new capture.
  }, [engine, cameraId, microphoneId]);
}
