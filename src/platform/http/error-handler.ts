import type { FastifyError, FastifyInstance } from 'fastify';
import { isDiskFull } from '../observability/disk-faults.ts';
import { AppError, Errors } from '../shared/errors.ts';

export interface ErrorBody {
  code: string;
  message: string;
  messageZh: string;
  details?: Record<string, unknown>;
}

export const errorBody = (e: AppError): ErrorBody => ({
  code: e.code,
  message: e.message,
  messageZh: e.zh,
  ...(e.details ? { details: e.details } : {}),
});

/** Maps fastify's own error codes onto our catalogue, so every 4xx has a JH_ERR code. */
function fromFastify(err: FastifyError): AppError | undefined {
  if (err.validation) {
    const first = err.validation[0];
    const where = err.validationContext ?? 'request';
    const path = `${where}${first?.instancePath ?? ''}`;
    return Errors.validation(
      {
        path,
        issues: err.validation.slice(0, 10).map((v) => `${where}${v.instancePath} ${v.message ?? ''}`.trim()),
      },
      `The ${path} is not valid: ${first?.message ?? 'invalid'}.`,
    );
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMedia();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return Errors.badJson();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Errors.validation(undefined, 'The Content-Length header does not match the body.');
    default:
      break;
  }
  if (err.statusCode === 429) return Errors.rateLimited();
  if (err instanceof SyntaxError) return Errors.badJson();
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return Errors.validation(undefined, err.message);
  }
  return undefined;
}

export function installErrorHandling(
  app: FastifyInstance,
  onDiskFull: (err: unknown) => void = () => {},
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // A full disk is the server's state, not the request's fault: a coded 507 (never a bare 500) and
    // an alarm on /healthz (tests/faults/api-disk-full.test.ts).
    if (isDiskFull(err)) {
      onDiskFull(err);
      request.log.error({ err }, Errors.storageFull.code);
      return reply.status(507).send(errorBody(Errors.storageFull()));
    }
    const appErr = err instanceof AppError ? err : fromFastify(err);
    if (appErr) {
      if (appErr.status >= 500) request.log.error({ err }, appErr.code);
      return reply.status(appErr.status).send(errorBody(appErr));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody(Errors.internal()));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody(Errors.routeNotFound({ method: request.method, url: request.url.split('?')[0] })));
  });
}
