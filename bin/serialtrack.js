#!/usr/bin/env node
// `npx serialtrack …`. In a development checkout (src/ and tsx present) it runs the TypeScript directly, so it
// is never stale; an installed build (no tsx: `npm ci --omit=dev`, a release tarball) runs dist/ with node.
import fs from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let register;
if (fs.existsSync(source)) {
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    // tsx is a devDependency: not installed in production
  }
}
if (register) {
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
