/** A labelled <select> of one kind of media device; "" is the system default. */
export function DeviceSelect({
  label,
  kind,
  devices,
  value,
  disabled = false,
  onChange,
}: {
  label: string;
  kind: MediaDeviceKind;
  devices: readonly MediaDeviceInfo[];
  value: string | null;
  disabled?: boolean;
  onChange: (deviceId: string | null) => void;
}) {
  // Chromium lists the default device twice ("default" and its real id): keep the real one.
  const own = devices.filter(
    (device) => device.kind === kind && device.deviceId !== 'default' && device.deviceId !== '',
  );
  const missing = value !== null && !own.some((device) => device.deviceId === value);
  return (
    <label>
      {label}
      <select
        value={value ?? ''}
        disabled={disabled}
        onChange={(event) => {
          onChange(event.target.value || null);
        }}
      >
        <option value="">System default</option>
        {own.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${index + 1}`}
          </option>
        ))}
        {missing && <option value={value}>Saved {label.toLowerCase()} (not connected)</option>}
      </select>
    </label>
  );
}
