/**
 * Opens a native <dialog> as a modal while mounted: the browser traps focus, makes the page
 * behind it inert and puts it above everything else. Escape runs `onEscape` (or nothing) instead
 * of closing the element behind React's back.
 */
import { useLayoutEffect, useRef, type RefObject } from 'react';

export function useModalDialog(onEscape?: () => void): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  const escape = useRef(onEscape);
  escape.current = onEscape;
  // Opened in the commit that mounts it, not after the next paint: on a busy machine that paint
  // can be 100 ms away, and an incoming call's Answer must be there at once.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      escape.current?.();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
    };
  }, []);
  return ref;
}
