import type { Executor } from '../db/database.js';
import type { ItemRow } from '../db/schema.js';
import { invalid } from '../shared/errors.js';
import { reserveCounterValues } from '../shared/document-numbers.js';
import { serialsRepository } from './serials.repository.js';
import { counterOf, formatSerial, parseSerialPattern } from './serial-pattern.js';

/**
 * "Next N" from the item's serial pattern. The counter lives in document_sequences and is reserved with one
 * atomic upsert, so two receipts at the same moment never get the same numbers. On first use it starts
 * after the highest serial already following the pattern.
 */
export async function nextPatternSerials(tx: Executor, item: ItemRow, count: number): Promise<string[]> {
  const pattern = parseSerialPattern(item.serial_pattern);
  if (!pattern) {
    throw invalid(
      'NO_SERIAL_PATTERN',
      `${item.sku} has no serial pattern for automatic numbering. Set one on the item (e.g. SN-{#####}) or type the serials.`,
    );
  }
  const series = `serial:${item.id}`;
  // Serials typed by hand (Add Serial, import) do not move the counter, so it is checked against the
  // highest serial following the pattern every time; otherwise the next number could already exist and
  // every later receipt with automatic numbering would fail on it.
  const highest = await serialsRepository.highestWithPrefix(tx, item.id, pattern.prefix, 200);
  const initial = Math.max(0, ...highest.map((s) => counterOf(pattern, s) ?? 0));
  await tx
    .updateTable('document_sequences')
    .set({ next_value: initial })
    .where('name', '=', series)
    .where('next_value', '<', initial)
    .execute();
  const first = await reserveCounterValues(tx, series, count, initial);
  return Array.from({ length: count }, (_, i) => formatSerial(pattern, first + i));
}
