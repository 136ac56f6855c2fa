import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

import { readEnvironment } from './env';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const PG_URL = /^postgres(ql)?:\/\/.+/;
const REDIS_URL = /^rediss?:\/\/.+/;
/** Base64 of exactly 32 bytes (43 characters and one '=' pad). */
const DATA_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
/** 'true'/'1'/'yes'/'on' and their opposites; anything else is left for @IsBoolean to refuse. */
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value;
};

/**
 * Every environment variable the api and worker read, validated at boot. `.env.example`
 * documents each of them; defaults here are what a local development machine needs.
 */
export class AppConfig {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Public URL the api is reached at (behind proxies); used in printed links and signatures. */
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  @Matches(PG_URL, { message: 'DATABASE_URL must be a postgres:// URL (the app role)' })
  DATABASE_URL = 'postgres://butler_app:butler_app@localhost:5432/butler';

  @IsOptional()
  @Matches(PG_URL, { message: 'DATABASE_OWNER_URL must be a postgres:// URL (the owner role)' })
  DATABASE_OWNER_URL = 'postgres://butler_owner:butler_owner@localhost:5432/butler';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15000;

  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://localhost:6379';

  /**
   * How long a request-path Redis command (rate limits, job publishing, live events) may go
   * unanswered before it fails: a Redis that stalls, rather than refuses, must not hang requests
   * or hold transactions open. Workers' blocking fetches are not bound by it.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS = 3000;

  /** Prefix for every BullMQ and rate-limit key, so deployments can share one Redis. */
  @Matches(/^[a-zA-Z0-9:_-]{1,64}$/)
  REDIS_PREFIX = 'butler';

  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET = '';

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'butler-platform';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'butler-api';

  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(3600)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_TTL_DAYS = 30;

  /** 32 random bytes, base64: seals stored integration secrets (AES-256-GCM). */
  @Matches(DATA_KEY, { message: 'DATA_ENCRYPTION_KEY must be 32 bytes in base64 (openssl rand -base64 32)' })
  DATA_ENCRYPTION_KEY = '';

  /** The key before the last rotation: still opens what it sealed; new seals use the current key. */
  @IsOptional()
  @Matches(DATA_KEY, { message: 'DATA_ENCRYPTION_KEY_PREVIOUS must be 32 bytes in base64' })
  DATA_ENCRYPTION_KEY_PREVIOUS?: string = undefined;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Largest PMS import CSV file, in bytes (streamed, so it may be large). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(512 * 1024 * 1024)
  PMS_IMPORT_MAX_BYTES = 64 * 1024 * 1024;

  /** Largest PMS import JSON body, in bytes (parsed whole: keep it well under the heap). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(128 * 1024 * 1024)
  PMS_IMPORT_JSON_MAX_BYTES = 16 * 1024 * 1024;

  /** Twilio's REST API (tests point it at a local fake). */
  @IsUrl({ require_tld: false, require_protocol: true })
  TWILIO_API_BASE_URL = 'https://api.twilio.com';

  /** Meta's Graph API (WhatsApp Cloud), and the API version messages are sent with. */
  @IsUrl({ require_tld: false, require_protocol: true })
  WHATSAPP_API_BASE_URL = 'https://graph.facebook.com';

  @Matches(/^v\d{1,3}\.\d$/)
  WHATSAPP_API_VERSION = 'v21.0';

  /** Mailgun's API (EU accounts use https://api.eu.mailgun.net). */
  @IsUrl({ require_tld: false, require_protocol: true })
  MAILGUN_API_BASE_URL = 'https://api.mailgun.net';

  /** Outbound sends per second per Twilio account (a long code sends 1 SMS/s). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  TWILIO_SEND_RATE_PER_SECOND = 1;

  /** Outbound sends per second per WhatsApp Cloud number (Meta's default throughput is 80/s). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  WHATSAPP_SEND_RATE_PER_SECOND = 80;

  /**
   * Which embedding model vectorizes knowledge: `builtin` (offline, deterministic, no key) or
   * `openai` (any OpenAI-compatible endpoint). Changing it re-embeds every property in the background.
   */
  @IsIn(['builtin', 'openai'])
  EMBEDDING_PROVIDER: 'builtin' | 'openai' = 'builtin';

  /** The embedding model; defaults to `builtin-hash-v1` or `text-embedding-3-small`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:/-]{1,120}$/)
  EMBEDDING_MODEL?: string = undefined;

  /** Vector dimensions; defaults to 384 (builtin) or 1536 (openai). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(8)
  @Max(4096)
  EMBEDDING_DIMENSIONS?: number = undefined;

  /** Texts per embedding request (OpenAI accepts up to 2,048 inputs per request). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2048)
  EMBEDDING_BATCH_SIZE = 256;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600000)
  EMBEDDING_TIMEOUT_MS = 30000;

  /** The OpenAI-compatible API (OpenAI, Azure, vLLM, Ollama…), with its version path. */
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL = 'https://api.openai.com/v1';

  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string = undefined;

  /** Which engine answers `knowledge/ask`: `builtin` (extractive, offline) or `openai` (chat model). */
  @IsIn(['builtin', 'openai'])
  AI_PROVIDER: 'builtin' | 'openai' = 'builtin';

  @Matches(/^[A-Za-z0-9._:/-]{1,120}$/)
  OPENAI_CHAT_MODEL = 'gpt-4o-mini';

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600000)
  AI_TIMEOUT_MS = 20000;

  /**
   * The concierge's limit for one chat completion with the LLM engine; past it (or on an error)
   * the message is handled by the builtin engine, and staff take what it cannot answer.
   */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(120000)
  AI_CONCIERGE_TIMEOUT_MS = 8000;

  /** Failures in a row after which the concierge stops calling the LLM for AI_BREAKER_COOLDOWN_MS. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  AI_BREAKER_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  AI_BREAKER_COOLDOWN_MS = 30000;

  /**
   * Properties with up to this many chunks are searched by an exact scan of their vectors; larger
   * ones through the model's HNSW index with iterative scans (bench/knowledge-search).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10000000)
  KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS = 5000;

  /** How long an answer of `knowledge/ask` is served from the response cache. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  KNOWLEDGE_CACHE_TTL_SECONDS = 86400;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_RATE_LIMIT_PER_IP = 30;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_RATE_LIMIT_PER_EMAIL = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_RATE_LIMIT_WINDOW_SECONDS = 900;

  /** Trust X-Forwarded-For from the proxy in front of the api (for per-IP limits and audit). */
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  /** On SIGTERM, how long readiness answers 503 before the server stops accepting requests. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_DRAIN_MS = 0;

  /** After draining, how long in-flight requests and jobs may take before the process exits anyway. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600000)
  SHUTDOWN_GRACE_MS = 25000;

  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600000)
  OUTBOX_SWEEP_INTERVAL_MS = 15000;

  /**
   * The process that commits outbox rows publishes them itself right after the commit; the relay
   * leaves them alone this long (and takes them after, should that process have died). 0: every
   * row goes through the relay at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600000)
  OUTBOX_HOLD_MS = 10000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 4;

  /** Touched every 10 s while the worker's dependencies answer; health checks test its age. */
  @IsString()
  @MinLength(1)
  WORKER_HEARTBEAT_FILE = '/tmp/butler-worker.heartbeat';

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

/** Secrets that ship in examples and must never sign tokens outside development and tests. */
const KNOWN_WEAK_SECRETS = [
  'change-me',
  'changeme',
  'secret',
  'development-only-secret-change-me-please-0000',
  // docker-compose.yml's local-trial default: public, so never valid in production.
  'compose-local-trial-secret-8f3a1c9e7b2d4a6f0e5c',
  'test-only-secret-not-for-production-use-000000',
  // docker-compose.yml's local-trial data key.
  'Y29tcG9zZS1sb2NhbC10cmlhbC1kYXRhLWtleS0wMDA=',
];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (msg) => `${e.property}: ${msg} (got ${describe(e.property, e.value)})`,
    ),
  );
}

/** Never echoes secrets or URLs (which may carry passwords) into logs. */
function describe(key: string, value: unknown): string {
  if (value === undefined || value === '') return 'nothing';
  if (/SECRET|PASSWORD|KEY|TOKEN|URL/i.test(key))
    return typeof value === 'string' ? `a value of ${value.length} characters` : 'a non-text value';
  if (typeof value === 'number' && Number.isNaN(value)) return 'a value that is not a number';
  return JSON.stringify(value);
}

function weakSecret(secret: string): boolean {
  const lower = secret.toLowerCase();
  return KNOWN_WEAK_SECRETS.includes(lower) || new Set(secret).size < 10 || /change.?me|example/.test(lower);
}

/** Validates the environment; throws ConfigValidationError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): AppConfig {
  const given = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && v !== '' && k in new AppConfig()),
  );
  const config = plainToInstance(AppConfig, given, { exposeDefaultValues: true });
  const problems = flatten(validateSync(config, { skipMissingProperties: false, stopAtFirstError: true }));
  if (
    !problems.some((p) => p.startsWith('JWT_SECRET')) &&
    config.NODE_ENV !== 'development' &&
    weakSecret(config.JWT_SECRET)
  ) {
    problems.push('JWT_SECRET: a default, example or low-entropy secret is refused outside development');
  }
  if (
    !problems.some((p) => p.startsWith('DATA_ENCRYPTION_KEY')) &&
    config.NODE_ENV === 'production' &&
    KNOWN_WEAK_SECRETS.includes(config.DATA_ENCRYPTION_KEY)
  ) {
    problems.push('DATA_ENCRYPTION_KEY: the published docker-compose trial key is refused in production');
  }
  for (const [setting, value] of [
    ['EMBEDDING_PROVIDER', config.EMBEDDING_PROVIDER],
    ['AI_PROVIDER', config.AI_PROVIDER],
  ] as const) {
    if (value === 'openai' && !config.OPENAI_API_KEY)
      problems.push(`OPENAI_API_KEY: required when ${setting} is openai`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
