import { type IncomingMessage } from 'node:http';

import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import { AppConfig } from '../config/app-config';
import { REQUEST_ID_HEADER } from './correlation';

/** JSON logs via pino; each HTTP log line carries the request's correlation id as `reqId`. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Named wildcard (path-to-regexp v8 syntax), so Nest need not convert a legacy '*'.
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.LOG_LEVEL,
          genReqId: (req: IncomingMessage) => String(req.headers[REQUEST_ID_HEADER] ?? ''),
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-twilio-signature"]',
              '*.password',
            ],
            censor: '[redacted]',
          },
          // Probes are frequent and uninteresting; middie may rewrite `url`, so prefer `originalUrl`.
          autoLogging: {
            ignore: (req: IncomingMessage & { originalUrl?: string }) =>
              (req.originalUrl ?? req.url ?? '').startsWith('/health/'),
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: withoutSecrets(req.url),
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customSuccessMessage: (req: IncomingMessage, res: { statusCode: number }) =>
            `${req.method} ${withoutSecrets(req.url ?? '')} ${res.statusCode}`,
        },
      }),
    }),
  ],
})
export class LoggingModule {}

/**
 * A URL with the values of credential-bearing query parameters replaced (a web chat session
 * token for EventSource, WhatsApp's verify token), since URLs are logged with every request.
 */
export function withoutSecrets(url: string): string {
  return url.replace(/([?&](?:token|hub\.verify_token|access_token|signature)=)[^&#]*/gi, '$1[redacted]');
}
