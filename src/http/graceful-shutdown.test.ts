import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnSignals } from './graceful-shutdown.js';

describe('closeOnSignals', () => {
  let dispose: (() => void) | undefined;
  afterEach(() => dispose?.());

  it('lets a request in flight finish, then exits 0', async () => {
    const app = Fastify({ forceCloseConnections: 'idle' });
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    app.get('/slow', async () => {
      started();
      await new Promise((r) => setTimeout(r, 300));
      return { done: true };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const exit = vi.fn();
    dispose = closeOnSignals(app, { exit, deadlineMs: 5000 });
    const res = fetch(`${url}/slow`);
    await inFlight;
    process.emit('SIGTERM');
    process.emit('SIGTERM'); // npm forwards the group's signal once more: no second shutdown
    expect(await (await res).json()).toEqual({ done: true });
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(exit).toHaveBeenCalledTimes(1);
  });

  it('at the hard deadline cuts a request that never ends and exits 1', async () => {
    const app = Fastify({ forceCloseConnections: 'idle' });
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    app.get('/forever', () => {
      started();
      return new Promise(() => undefined);
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const exit = vi.fn();
    dispose = closeOnSignals(app, { exit, deadlineMs: 300 });
    const res = fetch(`${url}/forever`);
    await inFlight;
    const signalled = performance.now();
    process.emit('SIGINT');
    await expect(res).rejects.toThrow();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(1), { timeout: 3000 });
    expect(performance.now() - signalled).toBeLessThan(2000);
  });
});
