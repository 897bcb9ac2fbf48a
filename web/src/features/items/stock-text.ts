/** Describes a quantity/serial mismatch in plain words, or null when they agree. */
export function mismatchText(quantityOnHand: number, serialsPresent: number): string | null {
  const diff = quantityOnHand - serialsPresent;
  if (diff === 0) return null;
  if (diff > 0) return `${diff} unit${diff === 1 ? '' : 's'} on hand without a serial number`;
  return `${-diff} more serial${diff === -1 ? '' : 's'} than quantity on hand`;
}
