import { z } from 'zod';

/** A label's physical size. PDF user space is points (1/72 in); the page is exactly this size. */
export interface LabelSize {
  /** Canonical spelling, e.g. `2x1in`, `62x29mm`: what settings store and requests send. */
  id: string;
  widthPt: number;
  heightPt: number;
}

export interface LabelSizePreset {
  id: string;
  label: string;
}

/**
 * The sizes label printers in shops and warehouses actually load. Any other size is written the same way
 * (`WIDTHxHEIGHTmm` or `WIDTHxHEIGHTin`), so a preset is only a well-known spelling, never a special case.
 */
export const LABEL_SIZE_PRESETS: readonly LabelSizePreset[] = [
  { id: '2x1in', label: '2 × 1 in (thermal roll)' },
  { id: '2.25x1.25in', label: '2.25 × 1.25 in (thermal roll)' },
  { id: '3x2in', label: '3 × 2 in (thermal roll)' },
  { id: '62x29mm', label: '62 mm roll, 29 mm long (Brother DK)' },
  { id: '4x6in', label: '4 × 6 in (shipping label)' },
];

export const DEFAULT_LABEL_SIZE = '2x1in';

const MM = 72 / 25.4;
const IN = 72;
/** Smaller than this holds no readable Code 128 plus QR; larger is a sheet, not a label. */
const MIN_MM = { width: 30, height: 15 };
const MAX_MM = 300;

const SIZE_RE = /^(\d{1,3}(?:\.\d{1,2})?)\s*x\s*(\d{1,3}(?:\.\d{1,2})?)\s*(mm|in)$/i;

export const LABEL_SIZE_HINT = `Use a preset (${LABEL_SIZE_PRESETS.map((p) => p.id).join(', ')}) or WIDTHxHEIGHT in mm or in, e.g. 50x30mm, between ${MIN_MM.width}x${MIN_MM.height}mm and ${MAX_MM}x${MAX_MM}mm.`;

/** Parses `2x1in`, `62x29mm`, `50 x 30 MM`; null when it is not a size or out of bounds. */
export function parseLabelSize(raw: string): LabelSize | null {
  const m = SIZE_RE.exec(raw.trim());
  if (!m) return null;
  const unit = m[3]!.toLowerCase() as 'mm' | 'in';
  const w = Number(m[1]);
  const h = Number(m[2]);
  const scale = unit === 'mm' ? MM : IN;
  const wMm = (w * scale) / MM;
  const hMm = (h * scale) / MM;
  if (wMm < MIN_MM.width || hMm < MIN_MM.height || wMm > MAX_MM || hMm > MAX_MM) return null;
  return { id: `${w}x${h}${unit}`, widthPt: w * scale, heightPt: h * scale };
}

/** A label size as text; checked here, normalised by parseLabelSize (no transform: it must stay JSON Schema). */
export const labelSizeSchema = z
  .string()
  .max(40)
  .refine((s) => parseLabelSize(s) !== null, { message: LABEL_SIZE_HINT })
  .describe('Label size: a preset such as 2x1in or 62x29mm, or WIDTHxHEIGHT in mm or in');
