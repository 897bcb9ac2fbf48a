import { lazy, Suspense, useRef, useState, type RefObject } from 'react';
import { useHasCamera } from './camera-available';
import { createScanFeedback } from './scan-feedback';
import type { ScanTarget } from './scan-reads';
import { typeIntoField } from './type-into-field';

// The camera view and its decoder (JS and WebAssembly) load only when a camera is first opened.
const CameraScanner = lazy(() => import('./camera-scanner'));

/**
 * **Scan with camera** beside a serial field, on devices that have a camera. Each code read goes into the
 * field exactly as a keyboard-wedge scan would (the text, then Enter).
 */
export function CameraScanButton({
  field,
  target = 'serial',
  closeOnRead = false,
  compact = false,
}: {
  field: RefObject<HTMLInputElement | null>;
  target?: ScanTarget;
  closeOnRead?: boolean;
  /** An icon with the words for screen readers, where space is short (the header). */
  compact?: boolean;
}) {
  const hasCamera = useHasCamera();
  const [open, setOpen] = useState(false);
  const feedback = useRef<ReturnType<typeof createScanFeedback> | null>(null);
  if (!hasCamera) return null;

  const start = () => {
    feedback.current?.close();
    feedback.current = createScanFeedback();
    setOpen(true);
  };
  const close = () => {
    feedback.current?.close();
    feedback.current = null;
    setOpen(false);
  };

  return (
    <>
      <button
        type="button"
        className={compact ? 'camera-button compact' : 'camera-button'}
        onClick={start}
        aria-label={compact ? 'Scan with camera' : undefined}
        title="Scan with camera"
      >
        <span aria-hidden="true">📷</span>
        {!compact && ' Scan with camera'}
      </button>
      {open && (
        <Suspense fallback={null}>
          <CameraScanner
            target={target}
            closeOnRead={closeOnRead}
            onSignal={() => feedback.current?.signal()}
            onRead={(value) => {
              if (field.current) typeIntoField(field.current, value);
            }}
            onClose={close}
          />
        </Suspense>
      )}
    </>
  );
}
