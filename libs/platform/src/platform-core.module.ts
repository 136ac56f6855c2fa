import { type IncomingMessage } from 'node:http';

import { Module } from '@nestjs/common';
import { ClsModule } from 'nestjs-cls';

import { RequestAuditModule } from './audit/request-audit';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/secret-box';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { DirectoryModule } from './identity/directory.module';
import { REQUEST_ID_HEADER } from './logging/correlation';
import { LoggingModule } from './logging/logging.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';

/** Infrastructure shared by the api and the worker. */
@Module({
  imports: [
    ConfigModule,
    CryptoModule,
    RequestAuditModule,
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        generateId: true,
        idGenerator: (req: IncomingMessage) => String(req.headers[REQUEST_ID_HEADER] ?? ''),
        // Neither proxy providers nor plugins are used: resolving them cost every request a
        // module resolution (nestjs-cls requires its proxy manager on each call) and two awaits.
        resolveProxyProviders: false,
        initializePlugins: false,
      },
    }),
    LoggingModule,
    DatabaseModule,
    DirectoryModule,
    RedisModule,
    QueueModule,
    HealthModule,
  ],
})
export class PlatformCoreModule {}
