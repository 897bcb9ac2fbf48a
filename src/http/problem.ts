import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type FieldError } from '../shared/errors.js';
import {
  connectionErrorReason,
  isBadValueError,
  isConnectionError,
  isRetryableTxError,
} from '../shared/db-errors.js';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable code, e.g. SERIAL_EXISTS'),
    detail: z.string().describe('What was wrong and what to do, in plain words'),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .describe('Per-field or per-row problems'),
    requestId: z
      .string()
      .optional()
      .describe('On a 500: the request id (X-Request-Id) the server logged it under'),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
) {
  const body: Problem = {
    type: `about:blank`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    instance: request.url.split('?')[0],
    ...(errors && errors.length > 0 && { errors }),
    ...(status >= 500 && { requestId: request.id }),
  };
  return reply.status(status).type('application/problem+json').send(JSON.stringify(body));
}

/** The one place where errors become HTTP: RFC 9457 problem details, never internals on a 500. */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
    return sendProblem(reply, request, err.status, err.code, err.message, err.errors);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as FastifyError).validationContext ?? 'body';
    const errors = ((err as FastifyError).validation ?? []).map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return {
        field: path ? `${context}.${path}` : context,
        code: v.keyword,
        message: v.message ?? 'Invalid value',
      };
    });
    return sendProblem(
      reply,
      request,
      400,
      'VALIDATION_FAILED',
      `The request ${context} is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  // A lost or refused database connection (restart, failover): the request may work in a moment, so 503
  // with Retry-After, and the process carries on while the pool reconnects.
  if (isConnectionError(err)) {
    request.log.warn({ err }, 'database unavailable');
    reply.header('retry-after', '2');
    return sendProblem(
      reply,
      request,
      503,
      'DATABASE_UNAVAILABLE',
      `The server cannot reach its database right now: ${connectionErrorReason(err)}. Try again in a few seconds; if you were saving, reload first to see whether it was saved.`,
    );
  }
  // Database refusals that slipped past validation: answer in plain words, never with the driver's message.
  if (isBadValueError(err)) {
    request.log.warn({ err }, 'database refused a value');
    return sendProblem(
      reply,
      request,
      400,
      'BAD_VALUE',
      'A value in the request cannot be stored: a number too large, or text that is not valid. Check the values and try again.',
    );
  }
  if (isRetryableTxError(err)) {
    request.log.warn({ err }, 'concurrent update');
    return sendProblem(
      reply,
      request,
      409,
      'CONCURRENT_UPDATE',
      'This was changed at the same time by someone else; try again.',
    );
  }
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = (err as FastifyError).code ?? 'BAD_REQUEST';
    const detail =
      code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Send the request body as JSON (Content-Type: application/json).'
        : code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'The request body is empty; send a JSON object.'
          : code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'The request body is too large.'
            : err.message;
    return sendProblem(
      reply,
      request,
      status,
      code.replace(/^FST_ERR_CTP_/, '').replace(/^FST_ERR_/, ''),
      detail,
    );
  }
  request.log.error({ err }, 'unhandled error');
  return sendProblem(
    reply,
    request,
    500,
    'INTERNAL_ERROR',
    'Something went wrong on the server. Nothing you sent was the cause; the error has been logged. Try again.',
  );
}
