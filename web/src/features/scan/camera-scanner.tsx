import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/dialog';
import { decodeFrame, loadDecoder } from './barcode-decoder';
import { createRepeatFilter, fieldValue, orderFrameReads, type ScanTarget } from './scan-reads';

// A code held in view is read once; away this long and shown again, it is read again.
const REPEAT_WINDOW_MS = 2000;
// Frames are decoded one after another, at most this often, leaving a phone's CPU for the page.
const FRAME_INTERVAL_MS = 100;
// Decoding a full-HD frame is slow on a phone and no better for a label at arm's length.
const MAX_FRAME_WIDTH = 1280;

type TorchConstraints = MediaTrackConstraintSet & { torch?: boolean };
type TorchCapabilities = MediaTrackCapabilities & { torch?: boolean };

/** Why the camera did not open, in plain words. */
function cameraProblem(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The camera was not allowed. Allow camera access for this site in the browser, then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera was found on this device.';
  if (name === 'NotReadableError') return 'The camera is in use by another app. Close it, then try again.';
  return `The camera could not be opened: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The camera view: decodes frames continuously (Code 128, QR, EAN/UPC, DataMatrix) and hands each new code
 * to `onRead`, with a beep or vibration. `closeOnRead` closes it after the first code (the lookup opens one
 * serial); otherwise it stays open for the next unit until Done.
 */
export default function CameraScanner({
  target,
  closeOnRead,
  onRead,
  onSignal,
  onClose,
}: {
  target: ScanTarget;
  closeOnRead: boolean;
  onRead: (value: string) => void;
  onSignal: () => void;
  onClose: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const [torch, setTorch] = useState<boolean | null>(null);
  const [status, setStatus] = useState('Opening the camera…');
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState<string[]>([]);
  // The latest callbacks, without restarting the camera when the page re-renders.
  const handlers = useRef({ onRead, onSignal, onClose });
  handlers.current = { onRead, onSignal, onClose };

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const take = createRepeatFilter(REPEAT_WINDOW_MS);
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      for (const t of stream?.getTracks() ?? []) t.stop();
    };

    const scanFrame = async () => {
      const v = video.current;
      if (stopped || !v || !context) return;
      if (v.readyState >= v.HAVE_CURRENT_DATA && v.videoWidth > 0) {
        const scale = Math.min(1, MAX_FRAME_WIDTH / v.videoWidth);
        canvas.width = Math.round(v.videoWidth * scale);
        canvas.height = Math.round(v.videoHeight * scale);
        context.drawImage(v, 0, 0, canvas.width, canvas.height);
        const frame = await decodeFrame(context.getImageData(0, 0, canvas.width, canvas.height));
        if (stopped) return;
        const now = performance.now();
        for (const read of orderFrameReads(frame)) {
          if (!take(read.text, now)) continue;
          const value = fieldValue(read, target);
          handlers.current.onSignal();
          setReads((r) => [value, ...r].slice(0, 5));
          handlers.current.onRead(value);
          if (closeOnRead) {
            stop();
            handlers.current.onClose();
            return;
          }
        }
      }
      timer = setTimeout(() => void scanFrame().catch(fail), FRAME_INTERVAL_MS);
    };

    const fail = (err: unknown) => {
      if (stopped) return;
      stop();
      setProblem(cameraProblem(err));
    };

    (async () => {
      const opened = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      if (stopped) {
        for (const t of opened.getTracks()) t.stop();
        return;
      }
      stream = opened;
      const videoTrack = opened.getVideoTracks()[0] ?? null;
      setTrack(videoTrack);
      const caps = (videoTrack?.getCapabilities?.() ?? {}) as TorchCapabilities;
      if (caps?.torch) setTorch(false);
      const v = video.current;
      if (!v) return;
      v.srcObject = opened;
      await v.play();
      await loadDecoder();
      if (stopped) return;
      setStatus('Point the camera at a barcode or QR code.');
      await scanFrame();
    })().catch(fail);

    return stop;
  }, [target, closeOnRead]);

  const toggleTorch = async () => {
    if (!track || torch === null) return;
    const on = !torch;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as TorchConstraints] });
      setTorch(on);
    } catch (err) {
      setProblem(`The torch could not be switched: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Scan with camera">
      <div className="camera-scanner">
        <video ref={video} muted playsInline aria-label="Camera view" />
        {problem ? (
          <p className="form-error" role="alert">
            {problem}
          </p>
        ) : (
          <p role="status" className="muted">
            {status}
          </p>
        )}
        {reads.length > 0 && (
          <ol className="camera-reads" aria-label="Codes read">
            {reads.map((r, i) => (
              <li key={`${i}-${r}`}>{r}</li>
            ))}
          </ol>
        )}
        <div className="actions">
          {torch !== null && (
            <button type="button" aria-pressed={torch} onClick={() => void toggleTorch()}>
              {torch ? 'Torch off' : 'Torch on'}
            </button>
          )}
          <button type="button" className="primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
