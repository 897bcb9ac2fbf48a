/* global console, process */
// `npm start`'s prestart: builds the server and the web UI when either is missing or older than its
// sources, so `npm ci && npm start` works on a fresh checkout, and a built tree installed without
// devDependencies (no esbuild, no vite) starts as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function newest(file) {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newest(path.join(file, name))));
}

const at = (...parts) => path.join(ROOT, ...parts);
const targets = [
  { script: 'build:server', output: at('dist', 'cli', 'main.js'), inputs: [at('src'), at('package.json')] },
  {
    script: 'build:web',
    output: at('web', 'dist', 'index.html'),
    inputs: [at('web', 'src'), at('web', 'index.html'), at('web', 'vite.config.ts'), at('package.json')],
  },
];
const canBuild = fs.existsSync(at('node_modules', 'esbuild')) && fs.existsSync(at('node_modules', 'vite'));

for (const { script, output, inputs } of targets) {
  const built = newest(output);
  if (built > 0 && (!canBuild || Math.max(...inputs.map(newest)) <= built)) continue;
  if (!canBuild) {
    console.error(`${path.relative(ROOT, output)} is missing and the build tools are not installed:`);
    console.error('run `npm ci` (with devDependencies), then `npm run build`.');
    process.exit(1);
  }
  const npm = process.env['npm_execpath'];
  const run = npm
    ? spawnSync(process.execPath, [npm, 'run', script], { stdio: 'inherit' })
    : spawnSync('npm', ['run', script], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
