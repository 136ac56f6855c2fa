import { type ProblemBody } from '@app/platform';

import { type HttpResult } from './test-api';

export type Problem = ProblemBody;

/**
 * Asserts an RFC 9457 answer: application/problem+json with this status and code, a type URL
 * named after the code, a title and detail, and the request's correlation id. Returns the body.
 */
export function expectProblem(res: HttpResult<unknown>, status: number, code: string): Problem {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = res.body as Problem;
  expect(body).toMatchObject({ status, code, correlationId: res.headers.get('x-request-id') });
  expect(body.type).toBe(`https://docs.butler.dev/problems/${code}`);
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}
