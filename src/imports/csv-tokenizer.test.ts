import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer, type CsvToken } from './csv-tokenizer.js';

function tokenize(chunks: string[], delimiter = ',', max = 1000): CsvToken[] {
  const t = new CsvTokenizer(delimiter.charCodeAt(0), max);
  const out: CsvToken[] = [];
  for (const c of chunks) t.push(c, out);
  t.end(out);
  return out;
}

/** The same text cut at every position must read the same: chunk boundaries are invisible. */
function everySplit(text: string, delimiter = ','): CsvToken[] {
  const whole = tokenize([text], delimiter);
  for (let i = 0; i <= text.length; i++) {
    expect(tokenize([text.slice(0, i), text.slice(i)], delimiter), `split at ${i}`).toEqual(whole);
  }
  return whole;
}

describe('CsvTokenizer', () => {
  it('reads RFC 4180 with the line each record starts on, whatever the chunking', () => {
    const text = 'a,b\r\n"x, ""y""\r\nz",2\r\n\r\nlast,\n"",q\rcr,end';
    expect(everySplit(text)).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, "y"\r\nz', '2'] },
      { line: 5, cells: ['last', ''] },
      { line: 6, cells: ['', 'q'] },
      { line: 7, cells: ['cr', 'end'] },
    ]);
  });

  it('takes a stray quote in an unquoted cell literally, and semicolons when asked', () => {
    expect(everySplit('5" wide;ok\n', ';')).toEqual([{ line: 1, cells: ['5" wide', 'ok'] }]);
  });

  it('reports broken records with their line and reads on', () => {
    const out = everySplit('a\n"x"y,1\nb\n"open\nc');
    expect(out.map((t) => ('cells' in t ? `${t.line}:${t.cells.join('|')}` : `${t.line}!`))).toEqual([
      '1:a',
      '2!',
      '3:b',
      '4!',
    ]);
    expect(out[1]).toHaveProperty(
      'error',
      expect.stringMatching(/continues after its closing quote/) as string,
    );
    expect(out[3]).toHaveProperty('error', expect.stringMatching(/not closed/) as string);
  });

  it('refuses a record over the size limit, then reads on from the next line', () => {
    const out = tokenize([`ok\n${'x'.repeat(600)}`, `${'y'.repeat(600)}\nnext\n`], ',', 1000);
    expect(out.map((t) => ('cells' in t ? `${t.line}:${t.cells.join('|')}` : `${t.line}!`))).toEqual([
      '1:ok',
      '2!',
      '3:next',
    ]);
    expect(out[1]).toHaveProperty('error', expect.stringMatching(/longer than/) as string);
  });

  it('agrees with csv-parse on random well-formed files', () => {
    let seed = 7;
    const rand = (n: number) => Math.floor(((seed = (seed * 16807) % 2147483647) / 2147483647) * n);
    const alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', ';'];
    for (let round = 0; round < 200; round++) {
      const rows = Array.from({ length: 1 + rand(5) }, () =>
        Array.from({ length: 1 + rand(4) }, () => {
          const v = Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
          return /[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
        }).join(','),
      );
      const text = rows.join('\r\n') + '\r\n';
      const expected: string[][] = parse(text, { relax_column_count: true });
      const cut = rand(text.length);
      const split = tokenize([text.slice(0, cut), text.slice(cut)]);
      expect(split.map((t) => ('cells' in t ? t.cells : t.error))).toEqual(expected);
    }
  });
});
