import { describe, expect, it } from 'vitest';
import { LABEL_SIZE_PRESETS, labelSizeSchema, parseLabelSize } from './label-sizes.js';

const MM = 72 / 25.4;

describe('label sizes', () => {
  it('reads every preset, in inches or millimetres, as points', () => {
    for (const p of LABEL_SIZE_PRESETS) expect(parseLabelSize(p.id)?.id).toBe(p.id);
    expect(parseLabelSize('2x1in')).toEqual({ id: '2x1in', widthPt: 144, heightPt: 72 });
    expect(parseLabelSize('4x6in')).toEqual({ id: '4x6in', widthPt: 288, heightPt: 432 });
    const roll = parseLabelSize('62x29mm')!;
    expect(roll.widthPt).toBeCloseTo(62 * MM, 6);
    expect(roll.heightPt).toBeCloseTo(29 * MM, 6);
  });

  it('normalises custom sizes to one spelling', () => {
    expect(parseLabelSize(' 50 x 30 MM ')?.id).toBe('50x30mm');
    expect(parseLabelSize('2.25X1.25in')?.id).toBe('2.25x1.25in');
    expect(parseLabelSize('50.50x30mm')?.id).toBe('50.5x30mm');
  });

  it('refuses what is not a size, or too small to hold the codes, or larger than a sheet', () => {
    for (const bad of [
      '',
      'A4',
      '2x1',
      '2x1cm',
      '-2x1in',
      '20x10mm',
      '29x30mm',
      '301x30mm',
      '1e2x30mm',
      '2x1in;',
    ])
      expect(parseLabelSize(bad), bad).toBeNull();
    expect(parseLabelSize('30x15mm')).not.toBeNull();
    const problem = labelSizeSchema.safeParse('A4');
    expect(problem.success).toBe(false);
    expect(problem.error?.issues[0]?.message).toContain('2x1in');
  });
});
