/**
 * Moves keyboard focus to an element (a screen's heading) when a screen appears, so a keyboard or
 * screen-reader user starts on the new screen instead of on a button that no longer exists.
 */
import { useEffect, useRef, type RefObject } from 'react';

export function useFocusOnMount<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    // A modal dialog (an incoming call) keeps the focus it has.
    if (document.querySelector('dialog[open]')) return;
    ref.current?.focus({ preventScroll: true });
  }, []);
  return ref;
}
