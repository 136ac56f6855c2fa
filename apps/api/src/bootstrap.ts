import { AppConfig, correlationIdFor, loadConfig, Readiness, routeBodyLimit } from '@app/platform';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import { Logger as NestLogger, RequestMethod, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';

import { ApiModule } from './api.module';

/** Builds the api application (used by main.ts and by the e2e tests). */
export async function createApiApp(): Promise<NestFastifyApplication> {
  const config = loadConfig(); // fail fast, with every problem listed, before anything connects
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: correlationIdFor,
    trustProxy: config.TRUST_PROXY,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, adapter, {
    bufferLogs: true,
    rawBody: true, // webhook signatures are computed over the exact bytes received
  });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'webhooks/{*path}', method: RequestMethod.ALL },
    ],
  });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });

  await configureFastify(app, config);
  setUpOpenApi(app);
  return app;
}

/** Fastify-level behaviour: request ids, per-route body limits, multipart uploads. */
async function configureFastify(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Bulk-upload routes take their limit from a setting (@BodyLimit); the rest keep BODY_LIMIT_BYTES.
  fastify.addHook('onRoute', (route) => {
    const limit = routeBodyLimit(route.config, config);
    if (limit !== undefined) route.bodyLimit = limit;
  });
  // Multipart bodies are read by the route itself (request.parts()); one file per request.
  await app.register(multipart, {
    limits: { files: 1, fields: 10, parts: 12, fieldSize: 1024, fileSize: config.PMS_IMPORT_MAX_BYTES },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // Browsers reach only the web chat routes across origins (the widget runs on the hotel's site):
  // opening a session checks the page's origin against the account; the rest needs its token.
  await app.register(cors, {
    delegator: (request, callback) =>
      callback(
        null,
        (request.url ?? '').startsWith('/api/v1/webchat/')
          ? {
              origin: true,
              methods: ['GET', 'POST'],
              allowedHeaders: ['content-type', 'authorization'],
              maxAge: 600,
            }
          : { origin: false },
      ),
  });
  // Fastify's own errors (body too large, unparsable JSON, bad content type) reach the global
  // ProblemDetailsFilter through Nest's router exception handler, as HttpExceptions.
}

/** OpenAPI at /docs (Swagger UI) and /docs/json. */
function setUpOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Butler platform API')
      .setDescription(
        'Multi-tenant AI concierge for hotels. Property-scoped routes live under ' +
          '/api/v1/properties/{propertyId}/…; errors are application/problem+json with a `code`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}

/** Drain (readiness 503), then close: in-flight requests finish; a hard deadline backs it up. */
export function installShutdown(app: NestFastifyApplication, config: AppConfig): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const log = new NestLogger('Shutdown');
    log.log(`${signal}: draining for ${config.SHUTDOWN_DRAIN_MS} ms`);
    app.get(Readiness).startDraining();
    const deadline = setTimeout(() => {
      log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_GRACE_MS);
    deadline.unref();
    setTimeout(() => {
      app
        .close()
        .then(() => process.exit(0))
        .catch((err: Error) => {
          log.error(`shutdown failed: ${err.message}`);
          process.exit(1);
        });
    }, config.SHUTDOWN_DRAIN_MS);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
