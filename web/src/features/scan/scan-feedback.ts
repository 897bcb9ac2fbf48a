/**
 * A short beep (WebAudio) and, where the device has it, a vibration for each read. The AudioContext is made
 * on the tap that opens the camera: browsers only let a page make sound after a user gesture.
 */
export function createScanFeedback(): { signal: () => void; close: () => void } {
  let audio: AudioContext | null = null;
  try {
    audio = new AudioContext();
  } catch {
    audio = null;
  }
  return {
    signal() {
      navigator.vibrate?.(60);
      if (!audio) return;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'square';
      osc.frequency.value = 1760;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.08);
    },
    close() {
      void audio?.close().catch(() => undefined);
      audio = null;
    },
  };
}
