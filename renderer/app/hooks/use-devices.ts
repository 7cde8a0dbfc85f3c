/** The cameras, microphones and speakers the system offers, refreshed when one is plugged in or out. */
import { useCallback, useEffect, useState } from 'react';

export interface Devices {
  devices: MediaDeviceInfo[];
  /** Asks again, e.g. once camera access is granted (names are empty before that). */
  refresh: () => void;
}

export function useDevices(): Devices {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const refresh = useCallback(() => {
    void navigator.mediaDevices
      .enumerateDevices()
      .then(setDevices)
      .catch(() => {
        setDevices([]);
      });
  }, []);
  useEffect(() => {
    refresh();
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => {
      navigator.mediaDevices.removeEventListener('devicechange', refresh);
    };
  }, [refresh]);
  return { devices, refresh };
}
