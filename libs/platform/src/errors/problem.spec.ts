import 'reflect-metadata';

import {
  BadRequestException,
  HttpException,
  NotFoundException as NestNotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import {
  AppException,
  DependencyUnavailableException,
  NotFoundException,
  PlatformErrorCode,
  RateLimitedException,
  ValidationFailedException,
} from './app-exception';
import { isDatabaseUnavailable, toProblem } from './problem';

const TYPE_BASE = 'https://docs.butler.dev/problems/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An error shaped like the ones node-postgres throws. */
const pgError = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

describe(toProblem.name, () => {
  describe('AppException', () => {
    it('keeps the code, status, title and detail of a domain exception', () => {
      const problem = toProblem(
        new NotFoundException('Guest', 'guest_not_found'),
        'req-1',
        '/api/v1/guests/1',
      );

      expect(problem).toEqual({
        body: {
          type: `${TYPE_BASE}guest_not_found`,
          title: 'Not found',
          status: 404,
          detail: 'Guest was not found.',
          code: 'guest_not_found',
          correlationId: 'req-1',
          instance: '/api/v1/guests/1',
        },
        headers: {},
        logAsError: false,
      });
    });

    it('lists field errors of a validation failure', () => {
      const errors = [{ field: 'owner.email', code: 'isEmail', message: 'owner.email must be an email' }];

      const problem = toProblem(new ValidationFailedException(errors));

      expect(problem.body).toMatchObject({ status: 400, code: PlatformErrorCode.ValidationFailed, errors });
      expect(problem.logAsError).toBe(false);
    });

    it('passes on the exception headers, such as Retry-After of a rate limit', () => {
      const problem = toProblem(new RateLimitedException(2.2));

      expect(problem.body.status).toBe(429);
      expect(problem.headers).toEqual({ 'Retry-After': '3' });
    });

    it('logs a 5xx domain exception as an error', () => {
      const problem = toProblem(new DependencyUnavailableException('llm_unavailable', 'The LLM is down.'));

      expect(problem.body).toMatchObject({
        status: 503,
        code: 'llm_unavailable',
        detail: 'The LLM is down.',
      });
      expect(problem.headers).toEqual({ 'Retry-After': '5' });
      expect(problem.logAsError).toBe(true);
    });

    it('uses the title as detail when a subclass gives none', () => {
      const problem = toProblem(new AppException('teapot', 418, "I'm a teapot"));

      expect(problem.body).toMatchObject({ status: 418, code: 'teapot', detail: "I'm a teapot" });
    });
  });

  describe('HttpException', () => {
    it('answers route_not_found for an unmatched route', () => {
      const problem = toProblem(new NestNotFoundException('Cannot GET /nope'));

      expect(problem.body).toMatchObject({
        status: 404,
        code: PlatformErrorCode.RouteNotFound,
        title: 'Not found',
        detail: 'No route matches this method and path.',
      });
      expect(problem.logAsError).toBe(false);
    });

    it('answers payload_too_large for a 413', () => {
      const problem = toProblem(new PayloadTooLargeException('Request body is too large'));

      expect(problem.body).toMatchObject({
        status: 413,
        code: PlatformErrorCode.PayloadTooLarge,
        title: 'Payload too large',
        detail: 'Request body is too large',
      });
    });

    it('answers malformed_body for a 400 and joins a list of messages', () => {
      const problem = toProblem(new BadRequestException(['first problem', 'second problem']));

      expect(problem.body).toMatchObject({
        status: 400,
        code: PlatformErrorCode.MalformedBody,
        detail: 'first problem; second problem',
      });
    });

    it('logs a 5xx HttpException as an error', () => {
      const problem = toProblem(new HttpException('upstream broke', 502));

      expect(problem.body.status).toBe(502);
      expect(problem.logAsError).toBe(true);
    });

    it('answers an unmapped client status as bad_request and an unmapped server status as internal_error', () => {
      const teapot = toProblem(new HttpException('short and stout', 418));
      const gateway = toProblem(new HttpException('upstream failed', 502));

      expect(teapot.body).toMatchObject({ status: 418, code: 'bad_request' });
      expect(teapot.logAsError).toBe(false);
      expect(gateway.body).toMatchObject({ status: 502, code: 'internal_error' });
      expect(gateway.logAsError).toBe(true);
    });
  });

  describe('framework errors', () => {
    it('answers payload_too_large for a body over the Fastify limit', () => {
      const error = Object.assign(new Error('Request body is too large'), {
        statusCode: 413,
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      });

      const problem = toProblem(error);

      expect(problem.body).toMatchObject({
        status: 413,
        code: PlatformErrorCode.PayloadTooLarge,
        detail: 'The request body exceeds the size limit.',
      });
      expect(problem.logAsError).toBe(false);
    });
  });

  describe('database errors', () => {
    it.each([
      ['a refused connection', pgError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
      ['a connection failure (08006)', pgError('connection failure', { code: '08006' })],
      ['an administrator shutdown (57P01)', pgError('terminating connection', { code: '57P01' })],
      ['too many connections (53300)', pgError('sorry, too many clients already', { code: '53300' })],
      ['a terminated connection', new Error('Connection terminated unexpectedly')],
      [
        'a TypeORM query failure caused by a shutdown',
        new QueryFailedError('select 1', [], pgError('terminating connection', { code: '57P01' })),
      ],
    ])('answers 503 database_unavailable with Retry-After for %s', (_, error) => {
      const problem = toProblem(error, 'req-2');

      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(problem.body).toMatchObject({
        status: 503,
        code: PlatformErrorCode.DatabaseUnavailable,
        correlationId: 'req-2',
      });
      expect(problem.headers).toEqual({ 'Retry-After': '5' });
      expect(problem.logAsError).toBe(true);
      expect(JSON.stringify(problem.body)).not.toContain('127.0.0.1');
    });

    it('answers 403 forbidden for a row-level security refusal (42501)', () => {
      const error = new QueryFailedError(
        'insert into guest.guests …',
        [],
        pgError('new row violates row-level security policy for table "guests"', { code: '42501' }),
      );

      const problem = toProblem(error);

      expect(problem.body).toMatchObject({ status: 403, code: PlatformErrorCode.Forbidden });
      expect(JSON.stringify(problem.body)).not.toContain('guests');
    });

    it('answers 500 for another SQL error, such as a unique violation', () => {
      const problem = toProblem(pgError('duplicate key value', { code: '23505' }));

      expect(isDatabaseUnavailable(pgError('duplicate key value', { code: '23505' }))).toBe(false);
      expect(problem.body).toMatchObject({ status: 500, code: PlatformErrorCode.Internal });
    });
  });

  describe('data and concurrency errors', () => {
    it('answers a data exception (class 22) as 400 invalid_value, not logged as an error', () => {
      const problem = toProblem(
        pgError('invalid byte sequence for encoding "UTF8": 0x00', { code: '22021' }),
      );

      expect(problem.body).toMatchObject({ status: 400, code: 'invalid_value' });
      expect(problem.logAsError).toBe(false);
    });

    it('answers a deadlock or serialization failure as a retryable 409 concurrent_update', () => {
      for (const code of ['40P01', '40001']) {
        const problem = toProblem(pgError('deadlock detected', { code }));

        expect(problem.body).toMatchObject({ status: 409, code: 'concurrent_update' });
        expect(problem.headers['Retry-After']).toBe('1');
      }
    });
  });

  describe('unknown errors', () => {
    it('answers 500 with a fresh errorId and without the error message', () => {
      const error = new Error('secret internals: password=hunter2');

      const first = toProblem(error, 'req-3');
      const second = toProblem(error, 'req-3');

      expect(first.body).toMatchObject({
        type: `${TYPE_BASE}${PlatformErrorCode.Internal}`,
        status: 500,
        code: PlatformErrorCode.Internal,
        title: 'Internal server error',
        detail: 'An unexpected error occurred.',
        correlationId: 'req-3',
      });
      expect(first.body.errorId).toMatch(UUID);
      expect(second.body.errorId).not.toBe(first.body.errorId);
      expect(JSON.stringify(first.body)).not.toContain('hunter2');
      expect(first.logAsError).toBe(true);
    });

    it('answers 500 for a thrown value that is not an Error', () => {
      const problem = toProblem('just a string');

      expect(problem.body).toMatchObject({ status: 500, code: PlatformErrorCode.Internal });
      expect(problem.body.errorId).toMatch(UUID);
    });
  });
});
