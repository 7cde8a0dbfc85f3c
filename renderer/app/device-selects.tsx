/** Camera, microphone and speaker as three selects; a choice is saved at once (Settings and mid-call alike). */
import type { SettingsView, UserSettings } from '../../shared/bridge/contract.ts';
import { DeviceSelect } from './device-select.tsx';

const FIELDS = [
  { label: 'Camera', kind: 'videoinput', key: 'cameraId' },
  { label: 'Microphone', kind: 'audioinput', key: 'microphoneId' },
  { label: 'Speaker', kind: 'audiooutput', key: 'speakerId' },
] as const;

export function DeviceSelects({
  view,
  devices,
  save,
}: {
  view: SettingsView;
  devices: readonly MediaDeviceInfo[];
  save: (patch: Partial<UserSettings>) => void;
}) {
  return (
    <>
      {FIELDS.map(({ label, kind, key }) => (
        <DeviceSelect
          key={key}
          label={label}
          kind={kind}
          devices={devices}
          value={view.values[key]}
          disabled={view.managed.includes(key)}
          onChange={(deviceId) => {
            save({ [key]: deviceId });
          }}
        />
      ))}
    </>
  );
}
