import { randomBytes } from 'node:crypto';

import { processEnvironment, setEnvironment } from '@app/platform/config';

/**
 * Points the platform config at a test database and a private Redis key prefix. Call before
 * building an app or module; returns the values it set.
 */
export function useTestEnvironment(
  databaseUrl: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const inherited = processEnvironment();
  const values: Record<string, string> = {
    NODE_ENV: 'test',
    BUTLER_SKIP_DOTENV: 'true',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: inherited.TEST_REDIS_URL ?? 'redis://localhost:6379',
    REDIS_PREFIX: `test-${randomBytes(5).toString('hex')}`,
    JWT_SECRET: randomBytes(48).toString('base64'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: inherited.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_SWEEP_INTERVAL_MS: '200',
    ...overrides,
  };
  setEnvironment(values);
  return values;
}
