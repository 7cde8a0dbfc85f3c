/** The incoming-call ring, synthesised (no audio files): two short tones every two seconds. */
export function startRingTone(): () => void {
  let context: AudioContext | null = null;
  try {
    context = new AudioContext();
  } catch {
    return () => undefined;
  }
  const ring = () => {
    if (!context) return;
    for (const offset of [0, 0.4]) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = 480;
      gain.gain.value = 0.08;
      oscillator.connect(gain).connect(context.destination);
      const at = context.currentTime + offset;
      oscillator.start(at);
      oscillator.stop(at + 0.3);
    }
  };
  ring();
  const timer = setInterval(ring, 2000);
  return () => {
    clearInterval(timer);
    void context?.close();
    context = null;
  };
}
