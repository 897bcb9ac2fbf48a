import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { handleError } from './problem.js';

/** A driver error as pg raises it: the SQLSTATE in `code`, internals in the message. */
const driverError = (code: string) =>
  Object.assign(new Error(`relation "serials" column "version": value "99999999999" ${code}`), { code });

async function answerTo(err: Error) {
  const app = Fastify({ logger: false });
  app.setErrorHandler(handleError);
  app.get('/api/boom', () => Promise.reject(err));
  const res = await app.inject({ method: 'GET', url: '/api/boom' });
  await app.close();
  return res;
}

describe('handleError: database errors that slip past validation', () => {
  it('answers 400 BAD_VALUE for values PostgreSQL refuses, without the driver message', async () => {
    for (const code of ['22003', '22021', '22P02']) {
      const res = await answerTo(driverError(code));
      expect(res.statusCode, code).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json<{ code: string; detail: string }>();
      expect(body.code).toBe('BAD_VALUE');
      expect(res.body).not.toMatch(/serials|version|99999999999|relation/);
    }
  });

  it('answers 409 CONCURRENT_UPDATE for a deadlock or serialization failure', async () => {
    for (const code of ['40P01', '40001']) {
      const res = await answerTo(driverError(code));
      expect(res.statusCode, code).toBe(409);
      expect(res.json<{ code: string; detail: string }>()).toEqual(
        expect.objectContaining({
          code: 'CONCURRENT_UPDATE',
          detail: expect.stringContaining('changed at the same time by someone else; try again') as string,
        }),
      );
      expect(res.body).not.toMatch(/serials|relation/);
    }
  });

  it('still answers 500 INTERNAL_ERROR for other driver errors', async () => {
    const res = await answerTo(driverError('42P01'));
    expect(res.statusCode).toBe(500);
    expect(res.json<{ code: string }>().code).toBe('INTERNAL_ERROR');
  });
});
