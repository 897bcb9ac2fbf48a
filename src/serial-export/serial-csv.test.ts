import { expect, it } from 'vitest';
import { escapeFormula, formatDocument, toCsvLines, toEscapedCsvLines } from './serial-csv.js';

it('escapes cells a spreadsheet would run as formulas, not plain numbers', () => {
  expect(escapeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
  expect(escapeFormula('@cmd')).toBe("'@cmd");
  expect(escapeFormula('-3')).toBe('-3');
  expect(escapeFormula('-A1')).toBe("'-A1");
  expect(escapeFormula('SN-1')).toBe('SN-1');
});

it('writes RFC 4180: CRLF, quotes only where needed, doubled quotes', () => {
  expect(toCsvLines([['a', 'b,c', 'say "hi"', 'two\nlines']])).toBe('a,"b,c","say ""hi""","two\nlines"\r\n');
});

it('names documents as the grid does', () => {
  expect(formatDocument({ type: 'import', number: '3' })).toBe('Import #3');
  expect(formatDocument({ type: 'purchase_order', number: '1-14' })).toBe('PO 1-14');
  expect(formatDocument({ type: 'manual', number: null })).toBe('Manual entry');
});

it('escapes header cells like data cells: a custom field may be named like a formula', () => {
  expect(
    toEscapedCsvLines([['Serial Number', '=HYPERLINK("http://x","click")', '@SUM(1+1)', '+cmd', '-2+3']]),
  ).toBe('Serial Number,"\'=HYPERLINK(""http://x"",""click"")",\'@SUM(1+1),\'+cmd,\'-2+3\r\n');
});
