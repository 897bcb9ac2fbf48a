import { useSyncExternalStore } from 'react';

// One answer for the whole page (every serial field asks), refreshed when a camera is plugged in or out.
let hasCamera = false;
let started = false;
const listeners = new Set<() => void>();

function refresh(): void {
  const devices = navigator.mediaDevices;
  void devices
    .enumerateDevices()
    .then((list) => list.some((d) => d.kind === 'videoinput'))
    .catch(() => false)
    .then((found) => {
      if (found === hasCamera) return;
      hasCamera = found;
      for (const l of listeners) l();
    });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Camera access exists only in secure contexts (HTTPS, localhost): elsewhere mediaDevices is undefined.
  const devices = (navigator as Partial<Navigator>).mediaDevices;
  if (!started && devices && typeof devices.enumerateDevices === 'function') {
    started = true;
    devices.addEventListener('devicechange', refresh);
    refresh();
  }
  return () => listeners.delete(listener);
}

/** True once the browser lists a video input; false without one, or without camera access at all. */
export function useHasCamera(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => hasCamera,
    () => false,
  );
}
