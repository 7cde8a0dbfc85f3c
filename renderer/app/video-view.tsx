import { memo, useEffect, useRef } from 'react';

/**
 * A <video> showing a MediaStream. `muted` for our own camera (no echo); `sinkId` plays the
 * sound on the speaker chosen in Settings (null: the system default). Renders again only when
 * one of these changes.
 */
export const VideoView = memo(function VideoView({
  stream,
  label,
  muted = false,
  sinkId = null,
  className,
}: {
  stream: MediaStream;
  label: string;
  muted?: boolean;
  sinkId?: string | null;
  className?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    // autoplay covers most cases; play() again for streams swapped in after the first frame.
    void video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [stream]);

  useEffect(() => {
    const video = ref.current;
    if (!video || muted || !sinkId || typeof video.setSinkId !== 'function') return;
    // An unplugged speaker: keep playing on the default one rather than go silent.
    void video.setSinkId(sinkId).catch(() => undefined);
  }, [sinkId, muted]);

  return (
    <video ref={ref} aria-label={label} className={className} autoPlay playsInline muted={muted} />
  );
});
