/** The microphone's level as a bar, so the advisor sees that the chosen microphone hears them. */
export function MicLevelMeter({ level }: { level: number }) {
  return (
    <div className="meter-row">
      <span aria-hidden="true">Microphone level</span>
      <div
        role="meter"
        aria-label="Microphone level"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={level}
        className="meter"
      >
        <div className="meter-fill" style={{ width: `${level}%` }} />
      </div>
    </div>
  );
}
