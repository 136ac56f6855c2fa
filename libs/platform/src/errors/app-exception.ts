/** A field-level validation problem, as listed in a problem+json `errors[]`. */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

/**
 * Base of every domain exception. Each context subclasses it with its own string code enum;
 * the global filter turns it into application/problem+json with that code and status.
 */
export class AppException extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }
}

export enum PlatformErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedBody = 'malformed_body',
  BadRequest = 'bad_request',
  InvalidValue = 'invalid_value',
  ConcurrentUpdate = 'concurrent_update',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  NotFound = 'not_found',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  PropertyForbidden = 'property_forbidden',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  DatabaseUnavailable = 'database_unavailable',
  DependencyUnavailable = 'dependency_unavailable',
  ShuttingDown = 'shutting_down',
  TenantContextMissing = 'tenant_context_missing',
  Internal = 'internal_error',
}

export class ValidationFailedException extends AppException {
  constructor(errors: FieldError[], detail = 'The request is not valid.') {
    super(PlatformErrorCode.ValidationFailed, 400, 'Validation failed', detail, errors);
  }
}

export class NotFoundException extends AppException {
  constructor(resource: string, code: string = PlatformErrorCode.NotFound) {
    super(code, 404, 'Not found', `${resource} was not found.`);
  }
}

export class UnauthorizedException extends AppException {
  constructor(detail = 'Authentication is required.', code: string = PlatformErrorCode.Unauthorized) {
    super(code, 401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenException extends AppException {
  constructor(detail = 'You may not do this.', code: string = PlatformErrorCode.Forbidden) {
    super(code, 403, 'Forbidden', detail);
  }
}

export class ConflictException extends AppException {
  constructor(code: string, detail: string) {
    super(code, 409, 'Conflict', detail);
  }
}

export class RateLimitedException extends AppException {
  constructor(retryAfterSeconds: number) {
    super(
      PlatformErrorCode.RateLimited,
      429,
      'Too many requests',
      'Too many attempts; try again later.',
      undefined,
      {
        'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
      },
    );
  }
}

export class DependencyUnavailableException extends AppException {
  constructor(code: string, detail: string) {
    super(code, 503, 'Service unavailable', detail, undefined, { 'Retry-After': '5' });
  }
}

/** Thrown when tenant code runs outside a property transaction: a programming error. */
export class TenantContextMissingError extends Error {
  readonly code = PlatformErrorCode.TenantContextMissing;
  constructor(what = 'Tenant data was accessed outside a property transaction') {
    super(what);
    this.name = 'TenantContextMissingError';
  }
}
