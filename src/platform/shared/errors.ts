/**
 * The catalogue of coded errors (fastify lib/errors style). Every failure a user can meet has a code
 * `JH_ERR_<AREA>_<REASON>`, an HTTP status and a sentence in Chinese and English. Modules define their
 * own entries with `defineError` next to their code; `listErrors()` feeds `jianhu errors` (the catalogue for integrators).
 */
export interface ErrorSpec {
  code: string;
  status: number;
  zh: string;
  en: string;
}

const catalogue = new Map<string, ErrorSpec>();

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly zh: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(spec: ErrorSpec, details?: Record<string, unknown>, messageOverride?: string) {
    super(messageOverride ?? spec.en);
    this.name = 'AppError';
    this.code = spec.code;
    this.status = spec.status;
    this.zh = spec.zh;
    this.details = details;
  }
}

export interface ErrorFactory {
  (details?: Record<string, unknown>, message?: string): AppError;
  spec: ErrorSpec;
  code: string;
}

export function defineError(code: string, status: number, zh: string, en: string): ErrorFactory {
  if (!/^JH_ERR_[A-Z0-9]+_[A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
  const existing = catalogue.get(code);
  if (existing && (existing.status !== status || existing.en !== en))
    throw new Error(`error ${code} defined twice`);
  const spec: ErrorSpec = { code, status, zh, en };
  catalogue.set(code, spec);
  const factory = ((details?: Record<string, unknown>, message?: string) =>
    new AppError(spec, details, message)) as ErrorFactory;
  factory.spec = spec;
  factory.code = code;
  return factory;
}

export function listErrors(): ErrorSpec[] {
  return [...catalogue.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** Errors shared by every area. */
export const Errors = {
  notFound: defineError('JH_ERR_HTTP_NOT_FOUND', 404, '资源不存在。', 'The resource does not exist.'),
  routeNotFound: defineError('JH_ERR_HTTP_ROUTE_NOT_FOUND', 404, '接口不存在。', 'No such route.'),
  validation: defineError('JH_ERR_HTTP_VALIDATION', 400, '请求参数不合法。', 'The request is not valid.'),
  bodyTooLarge: defineError(
    'JH_ERR_HTTP_BODY_TOO_LARGE',
    413,
    '请求体过大。',
    'The request body is too large.',
  ),
  unsupportedMedia: defineError(
    'JH_ERR_HTTP_UNSUPPORTED_MEDIA',
    415,
    '不支持的内容类型。',
    'The content type is not supported.',
  ),
  badJson: defineError(
    'JH_ERR_HTTP_BAD_JSON',
    400,
    '请求体不是合法的 JSON。',
    'The request body is not valid JSON.',
  ),
  rateLimited: defineError(
    'JH_ERR_HTTP_RATE_LIMITED',
    429,
    '请求过于频繁，请稍后再试。',
    'Too many requests; try later.',
  ),
  conflict: defineError(
    'JH_ERR_HTTP_CONFLICT',
    409,
    '与当前状态冲突。',
    'The request conflicts with the current state.',
  ),
  storageFull: defineError(
    'JH_ERR_STORAGE_FULL',
    507,
    '服务器磁盘已满，未能保存：请联系管理员清理空间后重试。',
    'The server disk is full and nothing was saved: ask the administrator to free space, then retry.',
  ),
  internal: defineError('JH_ERR_HTTP_INTERNAL', 500, '服务内部错误。', 'Internal server error.'),
  unavailable: defineError(
    'JH_ERR_HTTP_UNAVAILABLE',
    503,
    '服务暂不可用。',
    'The service is temporarily unavailable.',
  ),
};
