import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ShutdownOptions {
  /** After this long the remaining connections are cut and the process exits 1 (Docker kills at 10 s). */
  deadlineMs?: number;
  exit?: (code: number) => void;
}

/**
 * SIGTERM or SIGINT: stop accepting, let the requests in flight finish, close keep-alive connections as soon
 * as they are idle, then close the database (the app's onClose hook) and exit 0. Node's server.close() closes
 * the connections idle at that moment only; one that finishes its request later would wait out the 72 s
 * keep-alive timeout, so idle ones are closed again every 100 ms. A second signal (npm forwards the one its
 * process group already got) changes nothing.
 */
/**
 * Node's closeIdleConnections() (called by server.close(), by Fastify's forceCloseConnections: 'idle' and by
 * the sweep below) counts a connection as idle once its response has called end(), even while most of a big
 * answer (a 300-label PDF) still waits in the socket's queue for a slow client: destroying it then cuts the
 * download ("aborted"). This replaces it on the given server with one that closes a connection only when no
 * request is in flight on it, nothing is queued to write, and no new request has started arriving since its
 * last response closed. Install before the server accepts connections.
 */
export function closeOnlyIdleConnections(server: Server): void {
  const sockets = new Map<Socket, { inFlight: number; bytesReadAtRest: number }>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { inFlight: 0, bytesReadAtRest: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const state = sockets.get(req.socket);
    if (!state) return;
    state.inFlight += 1;
    res.once('close', () => {
      state.inFlight -= 1;
      state.bytesReadAtRest = req.socket.bytesRead;
    });
  });
  server.closeIdleConnections = () => {
    for (const [socket, state] of sockets) {
      const idle =
        state.inFlight === 0 && socket.writableLength === 0 && socket.bytesRead === state.bytesReadAtRest;
      if (idle) socket.destroy();
    }
  };
}

/** Returns a function that removes the signal handlers again. */
export function closeOnSignals(app: FastifyInstance, options: ShutdownOptions = {}): () => void {
  const { deadlineMs = 8000, exit = (code) => process.exit(code) } = options;
  let closing = false;
  const shutDown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing the requests in flight');
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      app.log.error(`requests still running after ${deadlineMs} ms: closing their connections`);
      app.server.closeAllConnections();
      setTimeout(() => exit(1), 500).unref();
    }, deadlineMs);
    app.close().then(
      () => {
        clearInterval(sweep);
        clearTimeout(deadline);
        app.log.info('shut down cleanly');
        exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
  return () => {
    process.off('SIGTERM', shutDown);
    process.off('SIGINT', shutDown);
  };
}
