/**
 * The one catalogue of API errors. Each has a stable `code` and an HTTP status; the HTTP layer turns
 * them into the ACS error body `{"error":{"code","message"}}`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds a client should wait; sent as `Retry-After` on 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  invalidJson: (detail: string) => new ApiError(400, 'InvalidJson', `The request body is not valid JSON: ${detail}`),
  invalidEncoding: () =>
    new ApiError(400, 'InvalidJson', 'The request body is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259 §8.1).'),
  missingApiVersion: () =>
    new ApiError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."),
  unsupportedApiVersion: (version: string, supported: readonly string[]) =>
    new ApiError(
      400,
      'UnsupportedApiVersion',
      `The HTTP resource does not support the API version '${version}'. Supported versions: ${supported.join(', ')}.`,
    ),
  unauthorized: (message = 'Request is not authorized.') => new ApiError(401, 'Unauthorized', message),
  denied: (message = 'Denied by the resource provider.') => new ApiError(401, 'Denied', message),
  forbidden: (message = "The initiator doesn't have the permission to perform the requested operation.") =>
    new ApiError(403, 'Forbidden', message),
  notFound: (message = 'The requested resource was not found.') => new ApiError(404, 'NotFound', message),
  tooLarge: (message: string) => new ApiError(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (type: string) =>
    new ApiError(415, 'UnsupportedMediaType', `Content-Type '${type}' is not supported; send application/json.`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', 'Rate limit exceeded.', retryAfterSeconds),
  unavailable: (message = 'The server is currently unable to handle the request.') =>
    new ApiError(503, 'ServiceUnavailable', message),
} as const;
