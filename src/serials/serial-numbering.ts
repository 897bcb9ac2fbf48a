import type { Executor } from '../db/database.js';
import type { ItemRow } from '../db/schema.js';
import { conflict, invalid } from '../shared/errors.js';
import { itemsRepository } from '../items/items.repository.js';
import {
  expandSerialPlan,
  serialExpressionError,
  type SerialExpressionPlan,
} from '../serial-expressions/serial-expression.js';
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

/**
 * The serials of a read expression, made inside the caller's write transaction: `~` continues from the item's
 * latest serial as committed when the item row is locked, so concurrent entries with `~` (40 clerks receiving
 * `~+` at once) wait for each other and each gets the next free numbers instead of the same ones. `after`
 * overrides the latest serial (an earlier `~` of the same entry). Refuses numbers that exist already.
 */
export async function expandSerialPlanInTx(
  tx: Executor,
  item: ItemRow,
  plan: SerialExpressionPlan,
  after?: string | null,
): Promise<{ serials: string[]; lastNext: string | null }> {
  let latest = after ?? null;
  if (plan.usesNext && latest === null) {
    await itemsRepository.lock(tx, item.id);
    latest = await serialsRepository.latestOfItem(tx, item.id);
  }
  const expanded = expandSerialPlan(plan, latest);
  if (!expanded.ok) throw serialExpressionError(expanded.errors);
  const existing = await serialsRepository.existingNumbers(tx, item.id, expanded.serials);
  if (existing.size > 0) {
    const list = [...existing].slice(0, 5).join(', ');
    throw conflict(
      'SERIAL_EXISTS',
      `${existing.size === 1 ? `Serial ${list} already exists` : `${existing.size} of these serials already exist (${list}…)`} for ${item.sku}. Nothing was saved; change the expression.`,
      [...existing].slice(0, 100).map((s) => ({
        field: 'expression',
        code: 'already_exists',
        message: `Serial "${s}" already exists for ${item.sku}.`,
      })),
    );
  }
  return { serials: expanded.serials, lastNext: expanded.lastNext };
}
