import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { type RequestInfo } from './tenant-context';

export function requestInfoOf(request: FastifyRequest): RequestInfo {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    correlationId: request.id ? String(request.id) : null,
  };
}

/** Caller IP (proxy-aware when TRUST_PROXY is set), user agent and correlation id. */
export const ReqInfo = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestInfo =>
  requestInfoOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
