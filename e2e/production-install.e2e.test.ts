import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireBuild, startProcess, type ServerProcess } from '../test/support/server-process.js';

const run = promisify(execFile);

/**
 * The release as a deployer installs it: `npm pack`'s tarball unpacked with the lock file beside it, then
 * `npm ci --omit=dev` (better-sqlite3 compiles here: minutes), then `npm start`. No devDependency (tsx,
 * esbuild, vite, typescript) may be needed to start.
 */
describe('production install (npm pack, npm ci --omit=dev, npm start)', () => {
  let dir: string;
  let app: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serialtrack-release-'));
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT });
    const tarball = path.join(dir, stdout.trim().split('\n').at(-1)!);
    await run('tar', ['xzf', tarball, '-C', dir]);
    app = path.join(dir, 'package');
    fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(app, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app,
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 660_000);
  afterAll(() => {
    server?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds the build and no source, and installs no devDependency', () => {
    expect(fs.existsSync(path.join(app, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'dist', 'db', 'migrations', '0001-initial.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'web', 'dist', 'index.html'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'src'))).toBe(false);
    for (const dev of ['tsx', 'esbuild', 'vite', 'typescript', 'vitest'])
      expect(fs.existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('npm start migrates a new database, answers /api/health and the web UI, and stops on SIGTERM', async () => {
    const dbFile = path.join(dir, 'data', 'serialtrack.db');
    server = await startProcess('npm', ['start'], dbFile, { cwd: app });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    process.kill(-server.child.pid!, 'SIGTERM');
    expect((await server.exited).code).toBe(0);
    const { stdout } = await run(process.execPath, [path.join(app, 'bin', 'serialtrack.js'), '--version'], {
      cwd: app,
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('without a built web UI, / says so (503 WEB_UI_NOT_BUILT) instead of a bare 404, and the API works', async () => {
    fs.rmSync(path.join(app, 'web', 'dist'), { recursive: true });
    server = await startProcess(process.execPath, ['dist/cli/main.js', 'serve'], path.join(dir, 'noui.db'), {
      cwd: app,
    });
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(503);
    expect(((await page.json()) as { code: string; detail: string }).code).toBe('WEB_UI_NOT_BUILT');
    expect(server.output()).toContain('The web UI is not built');
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    process.kill(server.child.pid!, 'SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
