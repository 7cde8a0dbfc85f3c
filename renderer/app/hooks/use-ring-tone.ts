/**
 * The incoming-call ring, synthesised with WebAudio (no audio files to ship or load): a soft
 * two-tone double ring every three seconds, for as long as `active` is true.
 */
import { useEffect } from 'react';

const PERIOD_MS = 3_000;
const VOLUME = 0.12;
/** The ring starts this long after the dialog (a few frames: the dialog paints first). */
const RING_AFTER_MS = 100;

function ringOnce(context: AudioContext): void {
  for (const offset of [0, 0.6]) {
    const start = context.currentTime + offset;
    const end = start + 0.4;
    const gain = context.createGain();
    // Short ramps instead of hard edges: no clicks.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.02);
    gain.gain.setValueAtTime(VOLUME, end - 0.05);
    gain.gain.linearRampToValueAtTime(0, end);
    gain.connect(context.destination);
    for (const frequency of [440, 480]) {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(start);
      oscillator.stop(end);
    }
  }
}

export function useRingTone(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    let context: AudioContext | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      try {
        context = new AudioContext();
      } catch {
        return; // No audio output: the dialog (and the OS notification) still show the call.
      }
      void context.resume().catch(() => undefined);
      const ringing = context;
      ringOnce(ringing);
      timer = setInterval(() => {
        ringOnce(ringing);
      }, PERIOD_MS);
    };
    // Once the dialog is on screen: a page's first AudioContext takes 60 ms and more to open
    // (the audio device), and the dialog, its Answer button with it, waited for that. No one
    // answers within RING_AFTER_MS, so the ring is never in an answer's way. A hidden window
    // shows nothing to wait for, and would hold the timer back (throttled): it rings at once.
    const deferred =
      document.visibilityState === 'hidden' ? undefined : setTimeout(start, RING_AFTER_MS);
    if (!deferred) start();
    return () => {
      clearTimeout(deferred);
      clearInterval(timer);
      void context?.close().catch(() => undefined);
    };
  }, [active]);
}
