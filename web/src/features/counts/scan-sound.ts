/** A short beep through WebAudio: high and short for a good scan, low and longer for anything to look at. */
let context: AudioContext | null = null;

export function beep(good: boolean): void {
  try {
    context ??= new AudioContext();
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.type = good ? 'sine' : 'square';
    osc.frequency.value = good ? 1320 : 220;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(context.destination);
    const now = context.currentTime;
    osc.start(now);
    osc.stop(now + (good ? 0.08 : 0.3));
  } catch {
    // No audio (a browser without WebAudio, or sound blocked): the colour still tells.
  }
}
