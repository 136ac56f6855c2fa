/**
 * What every benchmark needs around the real api: a fresh migrated database, the built api (and,
 * when asked, the built worker) as child processes with the heap cap they are deployed with, a
 * signed-up property, and readings of the processes.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { migrateUp } from '@app/db/scripts/migrator';
import {
  type DbUrls,
  dropDatabase,
  ensureDatabase,
  ensurePgvector,
  ensureRoles,
  withDatabase,
} from '@app/db/scripts/provisioning';
import { AppConfig, loadDatabaseUrls, processEnvironment } from '@app/platform/config';
import Redis from 'ioredis';

export const ROOT = join(__dirname, '..', '..');
export const env = processEnvironment();
/** The heap cap the Dockerfile and npm start scripts give the api (BENCH_NODE_ARGS overrides). */
export const HEAP_AS_DEPLOYED = '--max-old-space-size=384';
export const apiNodeArgs = () => env.BENCH_NODE_ARGS ?? HEAP_AS_DEPLOYED;
/** The Redis the api and worker use (REDIS_URL, else the configuration's default). */
export const redisUrl = () => env.REDIS_URL || new AppConfig().REDIS_URL;

export interface BenchApi {
  process: ChildProcess;
  /** The (first) worker, when one was asked for. */
  worker?: ChildProcess;
  /** Every worker process (`BENCH_WORKERS`, default 1), when asked for. */
  workers: ChildProcess[];
  base: string;
  urls: DbUrls;
  database: string;
  /** The REDIS_PREFIX the api and worker share (their keys are deleted by `stop`). */
  redisPrefix: string;
  /** Files holding the api's and the worker's stdout (their pino logs), with `logs: true`. */
  logs: { api?: string; worker?: string };
  /**
   * Stops the worker and the api, drops the database and deletes the run's Redis keys (both kept
   * with BENCH_KEEP_DB=1), and the log files (kept with BENCH_KEEP_LOGS=1).
   */
  stop(): Promise<void>;
}

export interface BenchApiOptions {
  /** Sets PUBLIC_BASE_URL to the address the api listens on (for signed webhooks). */
  publicBaseUrl?: boolean;
  /** Also builds and starts the worker, with the same configuration as the api. */
  worker?: boolean;
  /** Extra configuration for both processes (e.g. a provider's base URL pointed at a fake). */
  env?: Record<string, string>;
  /** Writes the processes' stdout to files (see `BenchApi.logs`) instead of discarding it. */
  logs?: boolean;
}

/** How many worker processes a bench starts (BENCH_WORKERS, default 1): one per core is a deployment's choice. */
export function workerCount(): number {
  const n = Number(env.BENCH_WORKERS ?? 1);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`BENCH_WORKERS must be a positive integer, not ${env.BENCH_WORKERS}`);
  return n;
}

/**
 * Creates `database` from the migrations, builds the api (and the worker, when asked) unless
 * BENCH_SKIP_BUILD=1, starts the api on a free port (and the worker) and waits until they are
 * ready. Both get the same database, Redis prefix, secrets and `options.env`.
 */
export async function startBenchApi(database: string, options: BenchApiOptions = {}): Promise<BenchApi> {
  const urls = loadDatabaseUrls();
  await ensurePgvector(urls.admin, () => undefined);
  await ensureRoles(urls);
  await dropDatabase(urls.admin, database);
  await ensureDatabase(urls, database);
  await migrateUp(withDatabase(urls.owner, database));
  const apps = options.worker ? ['api', 'worker'] : ['api'];
  if (env.BENCH_SKIP_BUILD !== '1') {
    for (const app of apps) {
      console.log(`building the ${app} …`);
      execFileSync('npx', ['nest', 'build', app], { cwd: ROOT, stdio: 'ignore' });
    }
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const redisPrefix = `bench-${randomBytes(4).toString('hex')}`;
  const shared = {
    ...env,
    NODE_ENV: 'development',
    BUTLER_SKIP_DOTENV: 'true',
    ...(options.publicBaseUrl ? { PUBLIC_BASE_URL: base } : {}),
    DATABASE_URL: withDatabase(urls.app, database),
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(48).toString('base64'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn',
    ...options.env,
  };
  const logs: BenchApi['logs'] = {};
  const start = (app: 'api' | 'worker', extra: Record<string, string>) => {
    const log = options.logs ? join(dir, `${app}.log`) : undefined;
    const fd = log ? openSync(log, 'a') : undefined;
    if (log) logs[app] = log;
    const child = spawn(
      process.execPath,
      [
        ...(env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', env.BENCH_PROFILE] : []),
        ...apiNodeArgs().split(' ').filter(Boolean),
        join(ROOT, `dist/apps/${app}/main.js`),
      ],
      { cwd: ROOT, stdio: ['ignore', fd ?? 'ignore', 'inherit'], env: { ...shared, ...extra } },
    );
    if (fd !== undefined) closeSync(fd); // the child holds its own copy
    return child;
  };
  const children: ChildProcess[] = [];
  const stop = async () => {
    // The worker first: it stops taking jobs while the api still answers.
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    if (env.BENCH_KEEP_DB !== '1') {
      await dropDatabase(urls.admin, database);
      await deleteRedisKeys(redisPrefix).catch((err: Error) =>
        console.warn(`could not delete the Redis keys ${redisPrefix}:*: ${err.message}`),
      );
    }
    if (env.BENCH_KEEP_LOGS !== '1') rmSync(dir, { recursive: true, force: true });
    else if (options.logs) console.log(`logs kept in ${dir}`);
  };
  try {
    const api = start('api', { PORT: String(port), HOST: '127.0.0.1' });
    children.push(api);
    await waitReady(base, api);
    const workers: ChildProcess[] = [];
    for (let i = 0; options.worker && i < workerCount(); i++) {
      const heartbeat = join(dir, `worker-${i}.heartbeat`);
      const worker = start('worker', { WORKER_HEARTBEAT_FILE: heartbeat });
      children.push(worker);
      workers.push(worker);
      await waitWorker(heartbeat, worker);
    }
    return { process: api, worker: workers[0], workers, base, urls, database, redisPrefix, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The worker writes its first heartbeat once its consumers and the outbox relay run. */
async function waitWorker(heartbeat: string, worker: ChildProcess): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
    if (existsSync(heartbeat)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the worker did not start');
}

/** Deletes every key of a run (BullMQ queues, rate-limit slots) from the Redis the processes used. */
async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function waitReady(base: string, api: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (api.exitCode !== null) throw new Error(`the api exited with ${api.exitCode}`);
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the api did not become ready');
}

/** Signs up a group with one property through the api; returns its owner's token and the property. */
export async function signup(base: string): Promise<{ token: string; propertyId: string }> {
  const id = randomBytes(4).toString('hex');
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organization: { name: `Bench group ${id}` },
      property: { name: `Bench hotel ${id}`, code: `bench-${id}`, timezone: 'Europe/Lisbon' },
      owner: {
        name: 'Bench owner',
        email: `bench-${id}@example.com`,
        password: `pw-${randomBytes(12).toString('hex')}`,
      },
    }),
  });
  const body = (await res.json()) as { accessToken: string; property: { id: string } };
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(body)}`);
  return { token: body.accessToken, propertyId: body.property.id };
}

/** A Twilio number registered through the channels API (the api seals the credentials). */
export interface TwilioChannel {
  id: string;
  number: string;
  accountSid: string;
  authToken: string;
}

/** Registers a Twilio SMS number with fresh credentials through `POST …/channels`. */
export async function createTwilioChannel(
  base: string,
  token: string,
  propertyId: string,
): Promise<TwilioChannel> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const address = `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const res = await fetch(`${base}/api/v1/properties/${propertyId}/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      kind: 'twilio_sms',
      name: 'Bench',
      address,
      credentials: { accountSid, authToken },
    }),
  });
  const body = (await res.json()) as { id: string; address: string };
  if (res.status !== 201)
    throw new Error(`channel registration failed: ${res.status} ${JSON.stringify(body)}`);
  return { id: body.id, number: body.address, accountSid, authToken };
}

/** The process's peak resident set (VmHWM) in MB. */
export function peakRssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
