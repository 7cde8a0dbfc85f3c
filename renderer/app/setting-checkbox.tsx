import { useId } from 'react';

/** A yes/no setting; read-only with "Managed by your IT team" when policy pins it. */
export function SettingCheckbox({
  label,
  checked,
  managed,
  onChange,
}: {
  label: string;
  checked: boolean;
  managed: boolean;
  onChange: (checked: boolean) => void;
}) {
  const noteId = useId();
  return (
    <div className="check-row">
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          disabled={managed}
          aria-describedby={managed ? noteId : undefined}
          onChange={(event) => {
            onChange(event.target.checked);
          }}
        />
        {label}
      </label>
      {managed && (
        <span id={noteId} className="muted small">
          Managed by your IT team
        </span>
      )}
    </div>
  );
}
