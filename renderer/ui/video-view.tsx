import { useEffect, useRef } from 'react';

/** A <video> showing a MediaStream; `muted` for our own camera (no echo). */
export function VideoView({
  stream,
  label,
  muted = false,
  className,
}: {
  stream: MediaStream;
  label: string;
  muted?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  return (
    <video ref={ref} aria-label={label} className={className} autoPlay playsInline muted={muted} />
  );
}
