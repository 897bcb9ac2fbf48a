import type { FastifyInstance } from 'fastify';
import type { Client } from './test-app.js';

export interface HttpAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** A client speaking real HTTP to a listening server, signed in with an API token. */
export interface HttpClient {
  baseUrl: string;
  request(method: string, url: string, body?: unknown): Promise<HttpAnswer>;
}

/** Makes an app built for inject() listen on a free port of 127.0.0.1 and returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** Creates an API token for `client`'s user and returns an HTTP client using it against `baseUrl`. */
export async function httpClientFor(client: Client, baseUrl: string): Promise<HttpClient> {
  const res = await client.post('/api/tokens', { name: `http-${Date.now()}-${Math.random()}` });
  if (res.statusCode !== 201) throw new Error(`token: ${res.statusCode} ${res.body}`);
  const token = res.json<{ token: string }>().token;
  return {
    baseUrl,
    async request(method, url, body) {
      const res = await fetch(baseUrl + url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return {
        status: res.status,
        body: await res.text(),
        contentType: res.headers.get('content-type') ?? '',
      };
    },
  };
}
