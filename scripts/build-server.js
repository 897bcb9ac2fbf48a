// `npm run build:server`: transpiles src/ (tests left out) to dist/ with esbuild, one file per module, so
// `npm start` runs plain node. Type checking is `npm run check`'s job (tsc), not the build's.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [file] : [];
  });
}

fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: sources(path.join(ROOT, 'src')),
  outdir: path.join(ROOT, 'dist'),
  outbase: path.join(ROOT, 'src'),
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
