import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';

import { ComplianceModule } from '@app/compliance';
import { ConciergeModule } from '@app/concierge';
import { ConversationModule } from '@app/conversation';
import { KnowledgeModule } from '@app/knowledge';
import { PlatformCoreModule, TenantDb } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { Test, type TestingModule } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { type Pool } from 'pg';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * A redis-server child process on its own port, so a test can take Redis down and bring it back
 * without touching the shared server other test files use. Nothing is persisted.
 */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server on the same port (again); resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--dir', tmpdir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`redis-server on port ${this.port} exited (${code}): ${output}`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.off('exit', onExit);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });
    this.child = child;
  }

  /**
   * Stops (SIGSTOP) or continues (SIGCONT) the server: a Redis that stalls, with its connections
   * open and its commands unanswered, rather than one that refuses.
   */
  stall(stalled: boolean): void {
    if (!this.child) throw new Error('redis-server is not running');
    this.child.kill(stalled ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Kills the server (like a crash) and waits until the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/** The platform core and the modules holding every job handler, logging through pino. */
export async function createQueueTestingModule(): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      PlatformCoreModule,
      ComplianceModule,
      ReservationModule,
      ConversationModule,
      KnowledgeModule,
      ConciergeModule,
    ],
  }).compile();
  moduleRef.useLogger(moduleRef.get(Logger));
  await moduleRef.init();
  return moduleRef;
}

/** Inserts an organization and one property through the owner role; returns the property id. */
export async function insertProperty(owner: Pool, label = 'hotel'): Promise<string> {
  const suffix = randomBytes(4).toString('hex');
  const org = await owner.query<{ id: string }>(
    'insert into platform.organizations (name) values ($1) returning id',
    [`Group ${label} ${suffix}`],
  );
  const property = await owner.query<{ id: string }>(
    `insert into platform.properties (organization_id, name, code) values ($1, $2, $3) returning id`,
    [org.rows[0].id, `Hotel ${label} ${suffix}`, `${label}-${suffix}`],
  );
  return property.rows[0].id;
}

/** An outbox row's status, read inside its property's transaction (the outbox is RLS-protected). */
export async function outboxStatus(
  db: TenantDb,
  propertyId: string,
  id: string,
): Promise<string | undefined> {
  const rows: { status: string }[] = await db.run({ propertyId }, (em) =>
    em.query('select status from platform.outbox where property_id = $1 and id = $2', [propertyId, id]),
  );
  return rows[0]?.status;
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
