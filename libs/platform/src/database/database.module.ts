import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AppConfig } from '../config/app-config';
import { DatabaseHealth } from './database-health';
import { PlatformDb } from './platform-db.service';
import { PreparedStatementsClient } from './prepared-client';
import { TenantDb } from './tenant-db.service';

/**
 * One pooled DataSource as the app role (never the owner: owners and superusers bypass RLS).
 * Tenant code goes through TenantDb; platform directory tables through PlatformDb.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        type: 'postgres' as const,
        url: config.DATABASE_URL,
        entities: [],
        synchronize: false,
        migrationsRun: false,
        retryAttempts: 2,
        retryDelay: 1000,
        extra: {
          max: config.DATABASE_POOL_SIZE,
          // Statements are prepared once per connection (parsed once, plans cached by PostgreSQL).
          Client: PreparedStatementsClient,
          // A statement leaves at once, not behind the answer to the one before (PreparedStatementsClient).
          pipeline: true,
          application_name: 'butler',
          statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
          connectionTimeoutMillis: 5000,
          idleTimeoutMillis: 30000,
        },
      }),
    }),
  ],
  providers: [TenantDb, PlatformDb, DatabaseHealth],
  exports: [TenantDb, PlatformDb, DatabaseHealth],
})
export class DatabaseModule {}
