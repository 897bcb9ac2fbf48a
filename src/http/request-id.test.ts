import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdFor } from './request-id.js';

const withHeader = (value?: string | string[]) =>
  ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as unknown as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it('keeps a sane id the caller sent', () => {
    expect(requestIdFor(withHeader('lb-7f3a:42'))).toBe('lb-7f3a:42');
    expect(requestIdFor(withHeader('a'.repeat(128)))).toBe('a'.repeat(128));
  });

  it('makes a new id when none, a too long, an empty or an unsafe one is sent', () => {
    for (const bad of [
      undefined,
      '',
      'a'.repeat(129),
      'has space',
      'new\nline',
      '<script>',
      'é',
      ['a', 'b'],
    ]) {
      expect(requestIdFor(withHeader(bad))).toMatch(UUID);
    }
  });

  it('makes a different id for every request', () => {
    expect(requestIdFor(withHeader())).not.toBe(requestIdFor(withHeader()));
  });
});
