import { memo, useEffect, useState } from 'react';

function format(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${String(minutes).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** mm:ss since the call became active (00:00 while it connects). */
export const CallTimer = memo(function CallTimer({ since }: { since: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 1_000);
    return () => {
      clearInterval(timer);
    };
  }, [since]);
  const seconds = since === null ? 0 : Math.max(0, Math.floor((now - since) / 1_000));
  return (
    <span role="timer" aria-label="Call duration" className="timer">
      {format(seconds)}
    </span>
  );
});
