import 'reflect-metadata';

import { AppConfig, ConfigValidationError, loadConfig } from './app-config';

const STRONG_SECRET = 'q8F!v2Lr#9Zt@4Wm$7Kp%1Xs^6Nb&3Hd';
const DATA_KEY = 'bEGeHUWsMF7y3BLlVgEjjA5uWDXqIwALP8k3ETWXSL8=';

/** The ConfigValidationError that loading `env` throws (fails the test if it loads). */
function problemsOf(env: Record<string, string | undefined>): ConfigValidationError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigValidationError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
}

describe(AppConfig.name, () => {
  describe('loadConfig', () => {
    it('fills every other variable with its development default when only the secrets are given', () => {
      const config = loadConfig({ DATA_ENCRYPTION_KEY: DATA_KEY, JWT_SECRET: STRONG_SECRET });

      expect(config).toBeInstanceOf(AppConfig);
      expect(config).toMatchObject({
        NODE_ENV: 'development',
        PORT: 3000,
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://butler_app:butler_app@localhost:5432/butler',
        DATABASE_POOL_SIZE: 10,
        REDIS_URL: 'redis://localhost:6379',
        REDIS_PREFIX: 'butler',
        JWT_SECRET: STRONG_SECRET,
        JWT_ACCESS_TTL_SECONDS: 900,
        BODY_LIMIT_BYTES: 1024 * 1024,
        TRUST_PROXY: false,
        OUTBOX_SWEEP_INTERVAL_MS: 15000,
        WORKER_CONCURRENCY: 4,
      });
      expect(config.isProduction).toBe(false);
    });

    it('converts numbers and booleans and treats empty values as unset when given as text', () => {
      const config = loadConfig({
        JWT_SECRET: STRONG_SECRET,
        DATA_ENCRYPTION_KEY: DATA_KEY,
        PORT: '8080',
        DATABASE_POOL_SIZE: '25',
        TRUST_PROXY: 'true',
        HOST: '',
        UNRELATED_VARIABLE: 'ignored',
      });

      expect(config.PORT).toBe(8080);
      expect(config.DATABASE_POOL_SIZE).toBe(25);
      expect(config.TRUST_PROXY).toBe(true);
      expect(config.HOST).toBe('0.0.0.0');
      expect(config).not.toHaveProperty('UNRELATED_VARIABLE');
    });

    it('refuses a missing JWT_SECRET', () => {
      const error = problemsOf({ DATA_ENCRYPTION_KEY: DATA_KEY });

      expect(error.problems).toEqual(['JWT_SECRET: JWT_SECRET must be at least 32 characters (got nothing)']);
    });

    it('refuses a JWT_SECRET shorter than 32 characters without echoing it', () => {
      const error = problemsOf({ DATA_ENCRYPTION_KEY: DATA_KEY, JWT_SECRET: 'tooshort-Secret-1' });

      expect(error.problems).toEqual([
        'JWT_SECRET: JWT_SECRET must be at least 32 characters (got a value of 17 characters)',
      ]);
      expect(error.message).not.toContain('tooshort-Secret-1');
    });

    it.each(['production', 'test'])('refuses a weak JWT_SECRET when NODE_ENV is %s', (nodeEnv) => {
      for (const secret of [
        'development-only-secret-change-me-please-0000',
        'a'.repeat(40),
        'this-is-an-example-secret-for-the-readme-only',
      ]) {
        const error = problemsOf({ DATA_ENCRYPTION_KEY: DATA_KEY, NODE_ENV: nodeEnv, JWT_SECRET: secret });

        expect(error.problems).toEqual([
          'JWT_SECRET: a default, example or low-entropy secret is refused outside development',
        ]);
        expect(error.message).not.toContain(secret);
      }
    });

    it('allows a weak but long enough JWT_SECRET in development', () => {
      const config = loadConfig({
        NODE_ENV: 'development',
        DATA_ENCRYPTION_KEY: DATA_KEY,
        JWT_SECRET: 'development-only-secret-change-me-please-0000',
      });

      expect(config.JWT_SECRET).toBe('development-only-secret-change-me-please-0000');
    });

    it('accepts a strong JWT_SECRET in production', () => {
      const config = loadConfig({
        DATA_ENCRYPTION_KEY: DATA_KEY,
        NODE_ENV: 'production',
        JWT_SECRET: STRONG_SECRET,
      });

      expect(config.isProduction).toBe(true);
    });

    it('refuses a DATABASE_URL that is not a postgres URL without echoing it', () => {
      const url = 'mysql://butler:hunter2@db.internal:3306/butler';

      const error = problemsOf({
        DATA_ENCRYPTION_KEY: DATA_KEY,
        JWT_SECRET: STRONG_SECRET,
        DATABASE_URL: url,
      });

      expect(error.problems).toEqual([
        `DATABASE_URL: DATABASE_URL must be a postgres:// URL (the app role) (got a value of ${url.length} characters)`,
      ]);
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('db.internal');
    });

    it('lists every problem at once', () => {
      const error = problemsOf({
        NODE_ENV: 'staging',
        PORT: 'not-a-port',
        DATABASE_URL: 'http://example.com',
        REDIS_URL: 'http://cache:s3cret-pw@cache.internal',
        LOG_LEVEL: 'loud',
      });

      const keys = new Set(error.problems.map((p) => p.split(':')[0]));
      expect([...keys].sort()).toEqual(
        [
          'DATABASE_URL',
          'DATA_ENCRYPTION_KEY',
          'JWT_SECRET',
          'LOG_LEVEL',
          'NODE_ENV',
          'PORT',
          'REDIS_URL',
        ].sort(),
      );
      for (const problem of error.problems) expect(error.message).toContain(problem);
      expect(error.message).toContain('"staging"');
      expect(error.message).not.toContain('s3cret-pw');
      expect(error.message).not.toContain('cache.internal');
      expect(error.message).not.toContain('example.com');
    });

    it('refuses an unrecognised boolean instead of reading it as false', () => {
      const error = problemsOf({
        DATA_ENCRYPTION_KEY: DATA_KEY,
        JWT_SECRET: STRONG_SECRET,
        TRUST_PROXY: 'maybe',
      });

      expect(error.problems).toEqual([expect.stringMatching(/^TRUST_PROXY: .*boolean.*\(got "maybe"\)$/)]);
    });

    it('reports a non-numeric number once, saying it is not a number', () => {
      const error = problemsOf({ DATA_ENCRYPTION_KEY: DATA_KEY, JWT_SECRET: STRONG_SECRET, PORT: 'abc' });

      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^PORT: .*\(got a value that is not a number\)$/);
    });

    it.each([
      ['missing', undefined],
      ['31 bytes', Buffer.alloc(31, 7).toString('base64')],
      ['33 bytes', Buffer.alloc(33, 7).toString('base64')],
      ['not base64', 'x'.repeat(43) + '!'],
    ])('refuses a DATA_ENCRYPTION_KEY that is %s, without echoing it', (_case, key) => {
      const error = problemsOf({ JWT_SECRET: STRONG_SECRET, DATA_ENCRYPTION_KEY: key });

      expect(error.problems).toEqual([expect.stringMatching(/^DATA_ENCRYPTION_KEY: .*32 bytes in base64/)]);
      if (key) expect(error.message).not.toContain(key);
    });

    it('refuses the published docker-compose data key in production only', () => {
      const trialKey = 'Y29tcG9zZS1sb2NhbC10cmlhbC1kYXRhLWtleS0wMDA=';

      const error = problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: STRONG_SECRET,
        DATA_ENCRYPTION_KEY: trialKey,
      });

      expect(error.problems).toEqual([
        expect.stringMatching(/^DATA_ENCRYPTION_KEY: .*refused in production/),
      ]);
      expect(
        loadConfig({ JWT_SECRET: STRONG_SECRET, DATA_ENCRYPTION_KEY: trialKey }).DATA_ENCRYPTION_KEY,
      ).toBe(trialKey);
    });
  });
});
