import { useRef, useState, type KeyboardEvent } from 'react';
import { CameraScanButton } from './camera-scan-button';
import { readSerial } from './scan-reads';

/**
 * A scan field that picks a serial from a list on screen (the units of a return): scan or type a serial and
 * press Enter, or use the camera. A label's QR payload counts as its serial. `onPick` answers what went
 * wrong, in plain words, or null when the serial was picked.
 */
export function ScanToPick({ label, onPick }: { label: string; onPick: (serial: string) => string | null }) {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const serial = readSerial(e.currentTarget.value);
    setValue('');
    if (!serial) return;
    setMessage(onPick(serial));
  };

  return (
    <div className="inline-form">
      <input
        ref={input}
        aria-label={label}
        placeholder="Scan or type a serial, Enter"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <CameraScanButton field={input} />
      {message && (
        <span className="form-error" role="alert">
          {message}
        </span>
      )}
    </div>
  );
}
