import { describe, expect, it } from 'vitest';
import { findUnstorableCharacter } from './unstorable-characters.js';

const findNulCharacter = (value: unknown, root: string) => findUnstorableCharacter(value, root)?.field;

describe('findUnstorableCharacter', () => {
  it('finds a NUL in a string value or a key, anywhere, and names where', () => {
    expect(findNulCharacter({ code: 'A1', name: 'Shelf' }, 'body')).toBeUndefined();
    expect(findNulCharacter({ code: 'A\u00001' }, 'body')).toBe('body.code');
    expect(findNulCharacter({ serials: [{ serialNumber: 'ok' }, { serialNumber: '\u0000' }] }, 'body')).toBe(
      'body.serials.1.serialNumber',
    );
    expect(findNulCharacter({ 'co\u0000de': 'x' }, 'body')).toBe('body.co\\u0000de');
    expect(findNulCharacter('a\u0000', 'body')).toBe('body');
    expect(findNulCharacter({ q: ['a', 'b\u0000'] }, 'query')).toBe('query.q.1');
    expect(findNulCharacter({ n: 1, b: true, z: null }, 'body')).toBeUndefined();
    expect(findNulCharacter(undefined, 'body')).toBeUndefined();
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findNulCharacter(deep, 'body')).toMatch(/^body(\.0)+$/);
  });

  it('finds half a surrogate pair, in a value or a key, and leaves whole pairs (emoji) alone', () => {
    expect(findUnstorableCharacter({ serialNumber: 'x\ud800y' }, 'body')).toEqual({
      field: 'body.serialNumber',
      problem: 'lone_surrogate',
    });
    expect(findUnstorableCharacter({ name: 'a\udc00' }, 'body')?.problem).toBe('lone_surrogate');
    expect(findUnstorableCharacter({ ['k\ud83d']: 1 }, 'body')?.field).toBe('body.k\\ud83d');
    expect(findUnstorableCharacter({ name: 'Bike 🚲 Ärger' }, 'body')).toBeUndefined();
  });
});
