import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the SQLite file data/serialtrack.db on 127.0.0.1:3000', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'sqlite', file: 'data/serialtrack.db' });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
  });

  it('reads SERIALTRACK_PASSWORD for `users add` only when it is set and not empty', () => {
    expect(loadConfig({ SERIALTRACK_PASSWORD: 'from-a-script-123' }).cliPassword).toBe('from-a-script-123');
    expect(loadConfig({}).cliPassword).toBeUndefined();
    expect(() => loadConfig({ SERIALTRACK_PASSWORD: '' })).toThrow(/SERIALTRACK_PASSWORD/);
  });

  it('gives requests in flight 8 s at shutdown unless SHUTDOWN_TIMEOUT_S says otherwise', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(8000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_S: '2.5' }).shutdownTimeoutMs).toBe(2500);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_S: '0' })).toThrow(/SHUTDOWN_TIMEOUT_S/);
  });

  it('uses PostgreSQL when DATABASE_URL is postgres://', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/st', PG_POOL_SIZE: '4' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/st', poolSize: 4 });
  });

  it('accepts a SQLite path in DATABASE_URL or SERIALTRACK_DB_FILE', () => {
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/tmp/x.db',
    });
    expect(loadConfig({ SERIALTRACK_DB_FILE: '/var/st.db' }).database).toEqual({
      kind: 'sqlite',
      file: '/var/st.db',
    });
  });

  it("trusts no proxy by default; TRUST_PROXY takes true or the proxies' addresses", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,::1' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.1.0.0/16',
      'loopback',
      '::1',
    ]);
    // Fastify 5 ignores hop counts (it cannot check the peer), so a number is refused rather than ignored.
    for (const bad of ['yes', '1', '2', '10.0.0.0/33', '10.0.0.300', '']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it('refuses bad values with a message naming the setting', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('reckons business dates in the machine zone unless TIME_ZONE names another; a bad name is refused', () => {
    expect(loadConfig({}).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(loadConfig({ TIME_ZONE: 'America/Chicago' }).timeZone).toBe('America/Chicago');
    expect(() => loadConfig({ TIME_ZONE: 'Central Time' })).toThrow(/TIME_ZONE must be an IANA time zone/);
  });
});
