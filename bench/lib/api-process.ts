/**
 * What every benchmark needs around the real api: a fresh migrated database, the built api as a
 * child process (with the heap cap it is deployed with), a signed-up property, and readings of
 * the api process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
import { loadDatabaseUrls, processEnvironment } from '@app/platform/config';

export const ROOT = join(__dirname, '..', '..');
export const env = processEnvironment();
/** The heap cap the Dockerfile and npm start scripts give the api (BENCH_NODE_ARGS overrides). */
export const HEAP_AS_DEPLOYED = '--max-old-space-size=384';
export const apiNodeArgs = () => env.BENCH_NODE_ARGS ?? HEAP_AS_DEPLOYED;

export interface BenchApi {
  process: ChildProcess;
  base: string;
  urls: DbUrls;
  database: string;
  /** Stops the api and drops the database (kept with BENCH_KEEP_DB=1). */
  stop(): Promise<void>;
}

/**
 * Creates `database` from the migrations, builds the api (unless BENCH_SKIP_BUILD=1), starts it
 * on a free port and waits until it is ready. `publicBaseUrl` true sets PUBLIC_BASE_URL to the
 * address it listens on (for signed webhooks).
 */
export async function startBenchApi(
  database: string,
  options: { publicBaseUrl?: boolean } = {},
): Promise<BenchApi> {
  const urls = loadDatabaseUrls();
  await ensurePgvector(urls.admin, () => undefined);
  await ensureRoles(urls);
  await dropDatabase(urls.admin, database);
  await ensureDatabase(urls, database);
  await migrateUp(withDatabase(urls.owner, database));
  if (env.BENCH_SKIP_BUILD !== '1') {
    console.log('building the api …');
    execFileSync('npx', ['nest', 'build', 'api'], { cwd: ROOT, stdio: 'ignore' });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      ...(env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', env.BENCH_PROFILE] : []),
      ...apiNodeArgs().split(' ').filter(Boolean),
      join(ROOT, 'dist/apps/api/main.js'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...env,
        NODE_ENV: 'development',
        BUTLER_SKIP_DOTENV: 'true',
        PORT: String(port),
        HOST: '127.0.0.1',
        ...(options.publicBaseUrl ? { PUBLIC_BASE_URL: base } : {}),
        DATABASE_URL: withDatabase(urls.app, database),
        REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}`,
        JWT_SECRET: randomBytes(48).toString('base64'),
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn',
      },
    },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    if (env.BENCH_KEEP_DB !== '1') await dropDatabase(urls.admin, database);
  };
  try {
    await waitReady(base, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { process: child, base, urls, database, stop };
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
