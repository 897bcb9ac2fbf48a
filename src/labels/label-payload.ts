/**
 * What a label's QR code holds: `ST1/<SKU>/<serial>`, each part percent-encoded (encodeURIComponent).
 *
 * - The SKU makes it unambiguous: a serial number is unique per item only, and two items may share one.
 * - The natural key (SKU, serial), not a row id, so a label stays valid after an export and an import into
 *   another database; if the SKU is renamed later, the lookup falls back to the serial number alone.
 * - Percent-encoding keeps the payload plain ASCII without `/` inside a part: keyboard-wedge scanners type
 *   ASCII reliably and garble anything else, and a serial or SKU containing `/` cannot split wrongly.
 * - `ST1` names the format and its version, so a later format can be told apart.
 *
 * The Code 128 on the same label holds the serial number exactly as typed, so a plain scan finds it too.
 */
const PREFIX = 'ST1/';

export interface LabelPayload {
  sku: string;
  serialNumber: string;
}

export function encodeLabelPayload(p: LabelPayload): string {
  return `${PREFIX}${encodeURIComponent(p.sku)}/${encodeURIComponent(p.serialNumber)}`;
}

/** The SKU and serial a scanned QR payload names, or null when the text is not one. */
export function parseLabelPayload(raw: string): LabelPayload | null {
  const text = raw.trim();
  if (!text.startsWith(PREFIX)) return null;
  const parts = text.slice(PREFIX.length).split('/');
  if (parts.length !== 2) return null;
  try {
    const sku = decodeURIComponent(parts[0]!);
    const serialNumber = decodeURIComponent(parts[1]!).trim();
    if (!sku || !serialNumber) return null;
    return { sku, serialNumber };
  } catch {
    // A malformed %-sequence: not one of our payloads (it may still be someone's serial number).
    return null;
  }
}
