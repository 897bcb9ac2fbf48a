import { describe, expect, it } from 'vitest';
import { WEB_UI_CSP } from './web-ui.js';

describe("the web UI's Content-Security-Policy", () => {
  it('loads everything from this server; WebAssembly may compile (the barcode decoder), JavaScript eval may not', () => {
    const directives = new Map(
      WEB_UI_CSP.split('; ').map((d) => {
        const [name, ...sources] = d.split(' ');
        return [name!, sources] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(WEB_UI_CSP).not.toContain("'unsafe-eval'");
    expect(WEB_UI_CSP).not.toMatch(/https?:/);
  });
});
