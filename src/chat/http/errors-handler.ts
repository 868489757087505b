import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError, type z } from 'zod';
import { ApiError, errors } from '../errors.js';

/** Formats zod issues as `path: problem; …` for a 400 message. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

/** Parses a request body with a zod schema, or throws 400 naming what is wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw errors.badRequest(`Invalid request body: ${describeIssues(result.error.issues)}.`);
  return result.data;
}

/**
 * A merge-patch body must be there: no body, or JSON `null`, is 400 rather than an empty change
 * (which would still bump a message's version). `example` shows the caller what to send.
 */
export function requireBody(body: unknown, example: string): unknown {
  if (body === undefined || body === null) {
    throw errors.badRequest(`The request body is required: a JSON merge-patch object such as ${example}.`);
  }
  return body;
}

const FASTIFY_CODES: Record<string, ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: errors.tooLarge('The request body is too large.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: errors.badRequest('The request body is empty.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: errors.badRequest('Content-Length does not match the body.'),
};

/** The one place that turns any error into an ACS error body; unknown errors are 500 and logged. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | ZodError, request, reply) => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof ZodError) apiError = errors.badRequest(describeIssues(err.issues));
    else if ('code' in err && typeof err.code === 'string' && FASTIFY_CODES[err.code]) apiError = FASTIFY_CODES[err.code]!;
    else if ('code' in err && err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      apiError = errors.unsupportedMediaType(String(request.headers['content-type'] ?? ''));
    else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
      apiError = new ApiError(err.statusCode, 'BadRequest', err.message);
    else {
      request.log.error({ err }, 'unhandled error');
      apiError = new ApiError(500, 'InternalServerError', 'An unexpected error occurred.');
    }
    if (apiError.status >= 400 && apiError.status < 500) request.log.debug({ code: apiError.code, status: apiError.status }, 'request refused');
    if (apiError.retryAfterSeconds !== undefined) void reply.header('retry-after', String(apiError.retryAfterSeconds));
    void reply.status(apiError.status).type('application/json; charset=utf-8').send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/json; charset=utf-8')
      .send(errors.notFound(`No resource matches ${request.method} ${request.url.split('?')[0]}.`).toBody());
  });
}
