/**
 * The cameras and microphones the browser offers, refreshed when one is plugged in or out.
 * Like the app's useDevices, but safe where the browser has no navigator.mediaDevices (a page
 * opened over plain http): an empty list, not a crash.
 */
import { useCallback, useEffect, useState } from 'react';

export function useDeviceList(): { devices: MediaDeviceInfo[]; refresh: () => void } {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const refresh = useCallback(() => {
    if (typeof navigator.mediaDevices === 'undefined') return;
    navigator.mediaDevices.enumerateDevices().then(setDevices, () => {
      setDevices([]);
    });
  }, []);
  useEffect(() => {
    const media = typeof navigator.mediaDevices === 'undefined' ? null : navigator.mediaDevices;
    refresh();
    media?.addEventListener('devicechange', refresh);
    return () => {
      media?.removeEventListener('devicechange', refresh);
    };
  }, [refresh]);
  return { devices, refresh };
}
