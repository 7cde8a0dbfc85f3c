/**
 * The incoming-call ring, synthesised with WebAudio (no audio files to ship or load): a soft
 * two-tone double ring every three seconds, for as long as `active` is true.
 */
import { useEffect } from 'react';

const PERIOD_MS = 3_000;
const VOLUME = 0.12;

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
    let context: AudioContext;
    try {
      context = new AudioContext();
    } catch {
      return; // No audio output: the dialog (and the OS notification) still show the call.
    }
    void context.resume().catch(() => undefined);
    ringOnce(context);
    const timer = setInterval(() => {
      ringOnce(context);
    }, PERIOD_MS);
    return () => {
      clearInterval(timer);
      void context.close().catch(() => undefined);
    };
  }, [active]);
}
