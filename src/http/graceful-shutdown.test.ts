import http from 'node:http';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOnlyIdleConnections, closeOnSignals } from './graceful-shutdown.js';

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

  it('does not cut a big answer the client is still reading: end() was called, but bytes are still queued', async () => {
    const app = Fastify({ forceCloseConnections: 'idle' });
    const big = Buffer.alloc(32 * 1024 * 1024, 'x');
    closeOnlyIdleConnections(app.server); // as buildApp does
    app.get('/big', (_req, reply) => reply.type('application/pdf').send(big));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const exit = vi.fn();
    dispose = closeOnSignals(app, { exit, deadlineMs: 10_000 });
    const agent = new http.Agent({ keepAlive: true });
    const received = await new Promise<number>((resolve, reject) => {
      http
        .get(`${url}/big`, { agent }, (res) => {
          // A slow client: the whole answer is handed to end(), but most of it waits in the socket's queue.
          res.pause();
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
          process.emit('SIGTERM');
          setTimeout(() => res.resume(), 400); // several sweeps of idle connections pass meanwhile
        })
        .on('error', reject);
    });
    expect(received).toBe(big.length);
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0), { timeout: 5000 });
    agent.destroy();
  });
});
