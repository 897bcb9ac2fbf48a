import { parseLabelPayload } from '../../../../src/labels/label-payload.js';

/**
 * What a field receives from a code the camera read:
 * - `raw`: the text as a keyboard-wedge scanner would type it (the lookup reads our QR payload itself, SKU and all);
 * - `serial`: a field that takes serial numbers of one item gets the serial a label's QR payload names, so a
 *   label's QR code and its Code 128 enter the same serial.
 */
export type ScanTarget = 'raw' | 'serial';

export interface CodeRead {
  text: string;
  format: string;
}

/** The serial number a read stands for: our QR payload names it, any other code is the serial itself. */
export function readSerial(text: string): string {
  return parseLabelPayload(text)?.serialNumber ?? text.trim();
}

/** What goes into the field for one read. */
export function fieldValue(read: CodeRead, target: ScanTarget): string {
  return target === 'serial' ? readSerial(read.text) : read.text.trim();
}

/**
 * One frame's reads in the order they are entered, without repeats: our label payloads first (they name the
 * SKU, so the lookup opens exactly that unit when a label's QR code and its Code 128 are in one frame), then
 * the rest; two reads of the same serial (the QR code and the Code 128 of one label) count once.
 */
export function orderFrameReads(reads: readonly CodeRead[]): CodeRead[] {
  const labelled = reads.filter((r) => parseLabelPayload(r.text) !== null);
  const plain = reads.filter((r) => parseLabelPayload(r.text) === null && r.text.trim() !== '');
  const seen = new Set<string>();
  return [...labelled, ...plain].filter((r) => {
    const key = readSerial(r.text);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Duplicate suppression for continuous scanning: a code is taken once, then ignored for as long as it is
 * seen again within `windowMs` of its last sighting (a label held in front of the camera is read every
 * frame). Taken out of view for longer than the window and shown again, it is a new read. Keyed by serial,
 * so a label's QR code and Code 128 are one code.
 */
export function createRepeatFilter(windowMs: number) {
  const lastSeen = new Map<string, number>();
  return (text: string, now: number): boolean => {
    const key = readSerial(text);
    const before = lastSeen.get(key);
    lastSeen.set(key, now);
    for (const [k, at] of lastSeen) if (now - at > windowMs) lastSeen.delete(k);
    return before === undefined || now - before > windowMs;
  };
}
