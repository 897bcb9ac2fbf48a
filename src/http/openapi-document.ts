import { EXPENSIVE_ROUTES } from './request-limits.js';

/* The OpenAPI document is plain JSON; these are the few parts of it this file touches. */
interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaType>; required?: boolean; description?: string };
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  [key: string]: unknown;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PROBLEM = { $ref: '#/components/schemas/Problem' };
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'The request is malformed (validation, a bad character, invalid JSON)',
  '401': 'Not signed in, or the API token is invalid or revoked',
  '403': 'Signed in without the permission this needs, or the CSRF header is missing',
  '404': 'The thing referred to does not exist',
  '409': 'The change conflicts with the current state (exists already, changed meanwhile)',
  '413': 'The request body is too large',
  '415': 'The request body has a content type this operation does not take',
  '422': 'Well-formed, but the domain refuses it; `errors` names each field or row',
  '429': 'Too many requests; wait for the Retry-After seconds',
  '503': 'The database cannot be reached; try again after the Retry-After seconds',
};

/** `get /api/items/{id}/serials.csv` → `getItemsByIdSerialsCsv`: stable while the route stays. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      return param ? `by-${param[1]}` : part;
    })
    .flatMap((part) => part.split('-'))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

const problemResponse = (status: string): ResponseObject => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error',
  content: { 'application/problem+json': { schema: PROBLEM } },
});

const isRateLimited = (method: string, path: string): boolean => {
  const fastifyPath = path.replace(/\{(\w+)\}/g, ':$1');
  return (
    (method === 'post' && path === '/api/auth/login') ||
    EXPENSIVE_ROUTES.some((e) => e.method.toLowerCase() === method && e.url.test(fastifyPath))
  );
};

/**
 * What the schema-driven generator cannot know, added to its output: a stable operationId per operation,
 * error answers as `application/problem+json` (with 415, 429 and 503 where they can happen), and the CSV,
 * XLSX and PDF bodies of the file routes.
 */
export function finishOpenApiDocument<T extends OpenApiDocument>(doc: T): T {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationIdFor(method, path);
      const responses = (op.responses ??= {});
      for (const status of Object.keys(responses)) {
        if (Number(status) >= 400) responses[status] = problemResponse(status);
        else if (responses[status]!.description === 'Default Response') {
          responses[status]!.description = 'Success';
        }
      }
      const file = path.endsWith('.csv')
        ? { type: 'text/csv', schema: { type: 'string' } }
        : path.endsWith('.xlsx')
          ? { type: XLSX, schema: { type: 'string', format: 'binary' } }
          : undefined;
      if (file) {
        responses['200'] = { description: 'The file', content: { [file.type]: { schema: file.schema } } };
      }
      if (path === '/api/imports/inspect' || path === '/api/imports/{id}/file') {
        op.requestBody = {
          required: true,
          description: 'The CSV (or .xlsx workbook) file, as it is',
          content: {
            'text/csv': { schema: { type: 'string' } },
            [XLSX]: { schema: { type: 'string', format: 'binary' } },
          },
        };
      }
      if (op.requestBody) responses['415'] ??= problemResponse('415');
      if (isRateLimited(method, path)) responses['429'] ??= problemResponse('429');
      if (path !== '/api/health') responses['503'] ??= problemResponse('503');
    }
  }
  return doc;
}
