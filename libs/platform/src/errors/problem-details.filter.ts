import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** The one global filter: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(error, request, reply, this.logger);
  }
}

/**
 * What of an error may reach the logs: never the SQL parameters (emails, password hashes, token
 * hashes) or the statement text that database errors carry.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const e = error as Error & { code?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  return {
    type: e.name,
    message: e.message,
    code: e.code ?? e.driverError?.code,
    constraint: e.driverError?.constraint,
    stack: e.stack,
  };
}

export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  const problem = toProblem(error, String(request.id), request.url?.split('?')[0]);
  if (problem.logAsError) {
    logger.error(
      {
        err: loggableError(error),
        errorId: problem.body.errorId,
        correlationId: request.id,
        code: problem.body.code,
      },
      error instanceof Error ? error.message : 'Unhandled error',
    );
  }
  if (reply.sent) return;
  void reply
    .status(problem.body.status)
    .headers(problem.headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.body));
}
