/**
 * How long the serial-expression grammar takes on the inputs that used to stall the server (issue 9 §1):
 * `npx tsx bench/serial-expressions.ts`. Pure functions only, no database; prints one line per input.
 */
import { performance } from 'node:perf_hooks';
import { expandSerialExpression } from '../src/serial-expressions/serial-expression.js';

const cases: [string, string][] = [
  ['100 ranges 1..99999 (refused: too many)', Array.from({ length: 100 }, () => '1..99999').join(',')],
  [
    '2,000 ranges R1-1..R1-99999 (refused: too many)',
    Array.from({ length: 2000 }, (_, i) => `R${i}-1..R${i}-99999`).join(','),
  ],
  [
    '2,000 dashed tokens 1-99999 (one serial each: duplicates)',
    Array.from({ length: 2000 }, () => '1-99999').join(','),
  ],
  ['1..100000 (the limit, made)', '1..100000'],
  ['10,000 literal serials', Array.from({ length: 10_000 }, (_, i) => `WID-100-${i}`).join('\n')],
];

for (const [name, expression] of cases) {
  const runs = 5;
  let outcome = '';
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = expandSerialExpression(expression);
    outcome = r.ok ? `${r.serials.length} serials` : r.errors.map((e) => e.code).join(',');
  }
  const ms = (performance.now() - start) / runs;
  console.log(
    `${name.padEnd(60)} ${(expression.length / 1024).toFixed(1).padStart(6)} KB  ${ms.toFixed(2).padStart(8)} ms  ${outcome}`,
  );
}
