import { memo } from 'react';
import type { Quality } from '../call/types.ts';

const dash = '–';

/** The call's connection quality in words and numbers (from the engine's getStats sampling). */
export const QualityIndicator = memo(function QualityIndicator({
  quality,
}: {
  quality: Quality | null;
}) {
  const numbers = quality
    ? [
        `${quality.rttMs === null ? dash : Math.round(quality.rttMs)} ms round trip`,
        `${quality.lossPct === null ? dash : quality.lossPct.toFixed(1)}% loss`,
        `${quality.bitrateKbps === null ? dash : Math.round(quality.bitrateKbps)} kbps`,
        quality.width && quality.height
          ? `${quality.width}×${quality.height}${quality.fps ? ` at ${Math.round(quality.fps)} fps` : ''}`
          : `${dash} resolution`,
      ]
    : [];
  return (
    // Numbers change every second: not a live region, or a screen reader would never stop talking.
    <div
      role="status"
      aria-live="off"
      aria-label="Connection quality"
      className={`quality ${quality?.level ?? 'unknown'}`}
    >
      <span className="summary">
        <span className="dot" aria-hidden="true" />
        {quality ? quality.summary : 'Measuring the connection…'}
      </span>
      {numbers.length > 0 && <span className="numbers">{numbers.join(' · ')}</span>}
    </div>
  );
});
