/**
 * In-call keyboard shortcuts, as in Teams and Meet: Ctrl+D (⌘D on a Mac) mute, Ctrl+E (⌘E)
 * camera, Ctrl+Shift+E (⌘⇧E) screen sharing.
 */
import { useEffect, useRef } from 'react';

export const IS_MAC = /Mac/i.test(navigator.userAgent);

/** For `aria-keyshortcuts` (ARIA's key names) and `title` (what the advisor reads). */
export const SHORTCUTS = {
  mute: { aria: IS_MAC ? 'Meta+D' : 'Control+D', text: IS_MAC ? '⌘D' : 'Ctrl+D' },
  camera: { aria: IS_MAC ? 'Meta+E' : 'Control+E', text: IS_MAC ? '⌘E' : 'Ctrl+E' },
  share: {
    aria: IS_MAC ? 'Meta+Shift+E' : 'Control+Shift+E',
    text: IS_MAC ? '⌘⇧E' : 'Ctrl+Shift+E',
  },
} as const;

export interface ShortcutActions {
  toggleMute: () => void;
  toggleCamera: () => void;
  toggleShare: () => void;
}

export function useCallShortcuts(actions: ShortcutActions): void {
  // The latest actions without re-binding the listener on every render.
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const modifier = IS_MAC ? event.metaKey : event.ctrlKey;
      if (!modifier || event.altKey || event.repeat) return;
      const key = event.key.toLowerCase();
      if (key === 'd' && !event.shiftKey) {
        event.preventDefault();
        latest.current.toggleMute();
      } else if (key === 'e' && !event.shiftKey) {
        event.preventDefault();
        latest.current.toggleCamera();
      } else if (key === 'e' && event.shiftKey) {
        event.preventDefault();
        latest.current.toggleShare();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}
