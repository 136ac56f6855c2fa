import { randomUUID } from 'node:crypto';

import { HttpException } from '@nestjs/common';

import { AppException, type FieldError, PlatformErrorCode } from './app-exception';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://docs.butler.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  correlationId?: string;
  instance?: string;
  errors?: FieldError[];
  errorId?: string;
}

export interface Problem {
  body: ProblemBody;
  headers: Record<string, string>;
  /** Unexpected failures (5xx) are logged as errors; client mistakes are not. */
  logAsError: boolean;
}

const HTTP_CODES: Record<number, [string, string]> = {
  400: [PlatformErrorCode.MalformedBody, 'Bad request'],
  401: [PlatformErrorCode.Unauthorized, 'Unauthorized'],
  403: [PlatformErrorCode.Forbidden, 'Forbidden'],
  404: [PlatformErrorCode.RouteNotFound, 'Not found'],
  405: [PlatformErrorCode.MethodNotAllowed, 'Method not allowed'],
  413: [PlatformErrorCode.PayloadTooLarge, 'Payload too large'],
  415: [PlatformErrorCode.UnsupportedMediaType, 'Unsupported media type'],
  429: [PlatformErrorCode.RateLimited, 'Too many requests'],
  503: [PlatformErrorCode.DependencyUnavailable, 'Service unavailable'],
};

/** SQLSTATE classes and node errors meaning "the database is not reachable right now". */
const DB_UNAVAILABLE_STATES = /^(08|53|57P0[1-3])/;
const NET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function build(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Partial<ProblemBody> = {},
) {
  return { type: `${TYPE_BASE}${code}`, title, status, detail, code, ...extra };
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function errField(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errField(error, 'code') ?? errField(errField(error, 'driverError'), 'code');
  const message = textOf(errField(error, 'message'));
  if (typeof code === 'string' && (DB_UNAVAILABLE_STATES.test(code) || NET_ERRORS.has(code))) return true;
  // FATAL/PANIC end the session: the server refused or dropped the connection (shutting down,
  // not accepting connections, too many clients…), whatever the SQLSTATE.
  const severity = errField(error, 'severity') ?? errField(errField(error, 'driverError'), 'severity');
  if (severity === 'FATAL' || severity === 'PANIC') return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/** Maps any thrown value to an RFC 9457 problem. Pure: the caller writes it out. */
export function toProblem(error: unknown, correlationId?: string, instance?: string): Problem {
  const ctx = { correlationId, instance };
  if (error instanceof AppException) {
    return {
      body: build(error.status, error.code, error.title, error.message, {
        ...ctx,
        ...(error.errors ? { errors: error.errors } : {}),
      }),
      headers: error.headers ?? {},
      logAsError: error.status >= 500,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const [code, title] =
      HTTP_CODES[status] ??
      (status >= 500 ? [PlatformErrorCode.Internal, 'Error'] : [PlatformErrorCode.BadRequest, 'Bad request']);
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null
        ? (response as { message?: unknown }).message
        : response;
    const detail =
      status === 404
        ? 'No route matches this method and path.'
        : Array.isArray(message)
          ? message.map(textOf).join('; ')
          : textOf(message) || error.message;
    // Validation has its own exception; a bare 400 here comes from body parsing.
    const finalCode = status === 400 ? PlatformErrorCode.MalformedBody : code;
    return { body: build(status, finalCode, title, detail, ctx), headers: {}, logAsError: status >= 500 };
  }
  const fastifyStatus = errField(error, 'statusCode');
  const fastifyCode = errField(error, 'code');
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const [code, title] = HTTP_CODES[fastifyStatus] ?? [PlatformErrorCode.MalformedBody, 'Bad request'];
    const detail =
      fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'The request body exceeds the size limit.'
        : fastifyStatus === 400
          ? 'The request body could not be parsed.'
          : textOf(errField(error, 'message')) || title;
    return { body: build(fastifyStatus, code, title, detail, ctx), headers: {}, logAsError: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      body: build(
        503,
        PlatformErrorCode.DatabaseUnavailable,
        'Service unavailable',
        'The database is unavailable; nothing was saved. Retry later.',
        ctx,
      ),
      headers: { 'Retry-After': '5' },
      logAsError: true,
    };
  }
  const sqlState = errField(error, 'code') ?? errField(errField(error, 'driverError'), 'code');
  // Class 22 (data exception): a value PostgreSQL cannot store or compare (NUL byte, number or
  // date out of range): the request's fault, and nothing was written.
  if (typeof sqlState === 'string' && sqlState.startsWith('22')) {
    return {
      body: build(
        400,
        PlatformErrorCode.InvalidValue,
        'Bad request',
        'A value in the request cannot be stored (out of range or not valid text).',
        ctx,
      ),
      headers: {},
      logAsError: false,
    };
  }
  // Deadlock or serialization failure: another request changed the same rows; safe to retry.
  if (sqlState === '40P01' || sqlState === '40001') {
    return {
      body: build(
        409,
        PlatformErrorCode.ConcurrentUpdate,
        'Conflict',
        'Another request changed the same data at the same moment; retry.',
        ctx,
      ),
      headers: { 'Retry-After': '1' },
      logAsError: false,
    };
  }
  if (sqlState === '42501') {
    return {
      body: build(
        403,
        PlatformErrorCode.Forbidden,
        'Forbidden',
        'This row belongs to another property.',
        ctx,
      ),
      headers: {},
      logAsError: true,
    };
  }
  const errorId = randomUUID();
  return {
    body: build(500, PlatformErrorCode.Internal, 'Internal server error', 'An unexpected error occurred.', {
      ...ctx,
      errorId,
    }),
    headers: {},
    logAsError: true,
  };
}
