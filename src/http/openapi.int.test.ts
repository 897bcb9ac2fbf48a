import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type TestApp,
} from '../../test/support/test-app.js';

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}
interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describeEachDialect('the OpenAPI document', (dialect) => {
  let t: TestApp;
  let served: Doc;
  let itemId: number;
  let serialId: number;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    served = res.json<Doc>();
    const locationId = await makeLocation(t.admin, 'OAS-1');
    itemId = await makeItem(t.admin, 'OAS-ITEM', { primaryLocationId: locationId });
    serialId = (await addSerials(t.admin, itemId, ['OAS-0001']))[0]!.id;
  });
  afterAll(() => t?.close());

  const operations = () =>
    Object.entries(served.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })),
    );

  it('is a valid OpenAPI 3.1 document (swagger-parser) with no error under Redocly’s recommended rules', async () => {
    expect(served.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(served) as never);
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(served),
      absoluteRef: '/openapi.json',
      config,
    });
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual(
      [],
    );
  });

  it('gives every operation a unique operationId and documents errors as problem+json', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(80);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const wrong: string[] = [];
    for (const { path, method, op } of ops) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (
          Number(status) >= 400 &&
          Object.keys(response.content ?? {}).join() !== 'application/problem+json'
        ) {
          wrong.push(`${method} ${path} ${status}`);
        }
      }
      if (op.requestBody && !op.responses['415']) wrong.push(`${method} ${path}: no 415`);
    }
    expect(wrong).toEqual([]);
    expect(served.paths['/api/labels']!['post']!.responses['429']).toBeDefined();
    expect(served.paths['/api/auth/login']!['post']!.responses['429']).toBeDefined();
    expect(Object.keys(served.paths['/api/serials.csv']!['get']!.responses['200']!.content!)).toEqual([
      'text/csv',
    ]);
    expect(Object.keys(served.paths['/api/labels']!['post']!.responses['200']!.content!)).toEqual([
      'application/pdf',
    ]);
    expect(Object.keys(served.paths['/api/imports/{id}/file']!['put']!.requestBody!.content)).toContain(
      'text/csv',
    );
  });

  it('generates a typed client (openapi-typescript) that compiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serialtrack-oas-'));
    try {
      const types = astToString(await openapiTS(structuredClone(served) as never));
      writeFileSync(join(dir, 'schema.d.ts'), types);
      writeFileSync(
        join(dir, 'client.ts'),
        `import type { paths, components } from './schema';
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
} ? T : never;
export async function listItems(base: string): Promise<Json<'/api/items', 'get'>> {
  const res = await fetch(base + '/api/items');
  return (await res.json()) as Json<'/api/items', 'get'>;
}
export const firstSku = (page: Json<'/api/items', 'get'>): string | undefined => page.items[0]?.sku;
export const problemCode = (p: components['schemas']['Problem']): string => p.code;
export const detail = (d: Json<'/api/serials/{id}', 'get'>): string => d.serial.serialNumber;
`,
      );
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        skipLibCheck: true,
        types: [],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes the real answers: each route called validates against its documented schema', async () => {
    const doc = (await SwaggerParser.dereference(structuredClone(served) as never)) as unknown as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const calls: [string, string, string, unknown?][] = [
      ['GET', '/api/items', '/api/items'],
      ['GET', `/api/items/${itemId}`, '/api/items/{id}'],
      ['GET', `/api/items/${itemId}/serials`, '/api/items/{id}/serials'],
      ['GET', `/api/items/${itemId}/stock`, '/api/items/{id}/stock'],
      ['GET', `/api/serials/${serialId}`, '/api/serials/{id}'],
      ['GET', '/api/serials/lookup?q=OAS-0001', '/api/serials/lookup'],
      ['GET', '/api/locations', '/api/locations'],
      ['GET', '/api/part-types', '/api/part-types'],
      ['GET', '/api/customers', '/api/customers'],
      ['GET', '/api/suppliers', '/api/suppliers'],
      ['GET', '/api/purchase-orders', '/api/purchase-orders'],
      ['GET', '/api/sales', '/api/sales'],
      ['GET', '/api/users', '/api/users'],
      ['GET', '/api/roles', '/api/roles'],
      ['GET', '/api/tokens', '/api/tokens'],
      ['GET', '/api/settings', '/api/settings'],
      ['GET', '/api/auth/session', '/api/auth/session'],
      ['GET', '/api/label-sizes', '/api/label-sizes'],
      ['GET', '/api/health', '/api/health'],
      ['POST', '/api/serial-expressions/expand', '/api/serial-expressions/expand', { expression: 'A1..A3' }],
      ['POST', '/api/locations', '/api/locations', { code: 'OAS-2', name: 'Second' }],
      ['GET', '/api/items/2147483647', '/api/items/{id}'],
      ['POST', '/api/locations', '/api/locations', { code: '' }],
    ];
    const wrong: string[] = [];
    for (const [method, url, path, body] of calls) {
      const res = await t.admin.request(method, url, body);
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op) {
        wrong.push(`${method} ${path}: not documented`);
        continue;
      }
      const documented = op.responses[String(res.statusCode)];
      const type = String(res.headers['content-type']).split(';')[0]!;
      const schema = documented?.content?.[type]?.schema;
      if (!schema) {
        wrong.push(`${method} ${url}: ${res.statusCode} ${type} is not documented`);
        continue;
      }
      // Dereferencing copies each component in place, $id included; ajv would take those as duplicate ids.
      const validate = ajv.compile(
        JSON.parse(JSON.stringify(schema, (k, v: unknown) => (k === '$id' ? undefined : v))) as object,
      );
      if (!validate(res.json())) {
        wrong.push(`${method} ${url}: ${res.statusCode} ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
