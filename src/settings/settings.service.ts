import { z } from 'zod';
import type { Db, Executor } from '../db/database.js';
import { nowIso } from '../shared/time.js';
import { settingsRepository } from './settings.repository.js';
import { DEFAULT_LABEL_SIZE, labelSizeSchema, parseLabelSize } from '../labels/label-sizes.js';

/** Every setting, with its default. Unknown keys are refused by the schema. */
export const settingsSchema = z.object({
  /** What turning Track Serials off does once an item has serials: refuse ("lock") or hide them ("hide"). */
  serialTrackingOff: z.enum(['lock', 'hide']),
  /** Purchase order numbers are this prefix plus a sequence: "1-" gives 1-1, 1-2 … 1-14. */
  purchaseOrderPrefix: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[A-Za-z0-9-/.]+$/, 'Letters, digits and - / . only'),
  /** The label size printing uses unless a print request names another. */
  labelSize: labelSizeSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

const DEFAULTS: Settings = {
  serialTrackingOff: 'lock',
  purchaseOrderPrefix: '1-',
  labelSize: DEFAULT_LABEL_SIZE,
};

export async function readSettings(db: Executor): Promise<Settings> {
  const rows = await settingsRepository.list(db);
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const merged = { ...DEFAULTS };
  const mode = stored['serialTrackingOff'];
  if (mode === 'lock' || mode === 'hide') merged.serialTrackingOff = mode;
  if (stored['purchaseOrderPrefix']) merged.purchaseOrderPrefix = stored['purchaseOrderPrefix'];
  const labelSize = parseLabelSize(stored['labelSize'] ?? '');
  if (labelSize) merged.labelSize = labelSize.id;
  return merged;
}

export function createSettingsService(db: Db) {
  return {
    get: () => readSettings(db),

    async update(patch: Partial<Settings>): Promise<Settings> {
      await db.transaction().execute(async (tx) => {
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined) continue;
          await settingsRepository.upsert(tx, key, String(value), nowIso());
        }
      });
      return readSettings(db);
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
