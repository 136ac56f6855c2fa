import { randomBytes } from 'node:crypto';

import { InboundMessageJob, twilioSignature } from '@app/conversation';
import { OutboxRelay, TenantDb } from '@app/platform';
import { pool, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';
import { Client, type Pool } from 'pg';

import { PrivateRedis } from '../../int/queue/queue-fixtures';

const PUBLIC_BASE_URL = 'https://butler.example.com';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

let redis: PrivateRedis;
let api: TestApi;
let admin: Pool;
let tenant: Tenant;
let line: { number: string; authToken: string };

async function setDatabaseReachable(reachable: boolean): Promise<void> {
  const c = new Client({ connectionString: api.db.adminUrl.replace(/\/[^/]+$/, '/postgres') });
  await c.connect();
  try {
    await c.query(`alter database "${api.db.name}" with allow_connections ${reachable}`);
    if (!reachable)
      await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [api.db.name],
      );
  } finally {
    await c.end();
  }
}

function deliver(sid: string, body: string) {
  const params = { MessageSid: sid, From: '+351912345678', To: line.number, Body: body };
  return api.request('POST', '/webhooks/twilio/messages', {
    raw: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(
        line.authToken,
        `${PUBLIC_BASE_URL}/webhooks/twilio/messages`,
        params,
      ),
    },
  });
}

const rows = async (sid: string) =>
  (
    await admin.query<{ id: string; processed_at: Date | null }>(
      'select id, processed_at from conversation.messages where channel_message_id = $1',
      [sid],
    )
  ).rows;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  api = await startTestApi({ PUBLIC_BASE_URL, REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500' });
  admin = pool(api.db.adminUrl, { max: 1 });
  tenant = await signupTenant(api, 'outage');
  const authToken = hex(16);
  const res = await api.request<{ address: string }>(
    'POST',
    `/api/v1/properties/${tenant.propertyId}/channels`,
    {
      token: tenant.token,
      body: {
        kind: 'twilio_sms',
        name: 'SMS',
        address: '+14155550123',
        credentials: { accountSid: `AC${hex(16)}`, authToken },
      },
    },
  );
  line = { number: res.body.address, authToken };
});

afterAll(async () => {
  redis?.stall(false);
  await setDatabaseReachable(true);
  await admin?.end();
  await api?.close();
  await redis?.stop();
});

describe('webhook ingest during outages', () => {
  it('answers 503 while PostgreSQL is down, so the provider retries, and stores the retry once', async () => {
    const sid = `SM${hex(16)}`;
    await setDatabaseReachable(false);

    const during = await deliver(sid, 'Hello?');

    await setDatabaseReachable(true);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ code: 'database_unavailable' });
    expect(await rows(sid)).toHaveLength(0);
    expect((await deliver(sid, 'Hello?')).status).toBe(200);
    expect((await deliver(sid, 'Hello?')).status).toBe(200);
    expect(await rows(sid)).toHaveLength(1);
  });

  it('accepts and keeps a message while Redis is down, and processes it once Redis is back', async () => {
    const sid = `SM${hex(16)}`;
    await redis.stop();

    const during = await deliver(sid, 'Towels please');

    expect(during.status).toBe(200);
    const [stored] = await rows(sid);
    const outbox = await admin.query<{ id: string; status: string }>(
      `select id, status from platform.outbox where payload->>'messageId' = $1`,
      [stored.id],
    );
    expect(outbox.rows).toEqual([expect.objectContaining({ status: 'pending' })]);

    await redis.start();
    const relay = api.app.get(OutboxRelay);
    for (let i = 0; i < 50 && (await relay.relayProperty(tenant.propertyId).catch(() => 0)) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const published = await admin.query<{ status: string }>(
      'select status from platform.outbox where id = $1',
      [outbox.rows[0].id],
    );
    await api.app
      .get(TenantDb)
      .run({ propertyId: tenant.propertyId }, () =>
        api.app.get(InboundMessageJob).attach({ propertyId: tenant.propertyId, messageId: stored.id }),
      );

    expect(published.rows[0].status).toBe('published');
    expect((await rows(sid))[0].processed_at).not.toBeNull();
  });

  it('answers 503 in time while Redis stalls, keeps webhook messages, and publishes them once it answers', async () => {
    const sid = `SM${hex(16)}`;
    redis.stall(true);
    let login: Awaited<ReturnType<typeof api.request>>;
    let took: number;
    let during: Awaited<ReturnType<typeof deliver>>;
    try {
      const started = Date.now();
      login = await api.request('POST', '/api/v1/auth/login', {
        body: { email: tenant.email, password: tenant.password },
      });
      took = Date.now() - started;
      during = await deliver(sid, 'Towels please');
    } finally {
      redis.stall(false);
    }

    // The login's rate limit is a Redis command: unanswered, it fails after the timeout.
    expect(login.status).toBe(503);
    expect(login.body).toMatchObject({ code: 'dependency_unavailable' });
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3000);
    expect(during.status).toBe(200);
    const [stored] = await rows(sid);
    const relay = api.app.get(OutboxRelay);
    const status = async () =>
      (
        await admin.query<{ status: string }>(
          `select status from platform.outbox where payload->>'messageId' = $1`,
          [stored.id],
        )
      ).rows[0]?.status;
    for (let i = 0; i < 50 && (await status()) !== 'published'; i++) {
      await relay.relayProperty(tenant.propertyId).catch(() => 0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await status()).toBe('published');
    expect(
      (
        await api.request('POST', '/api/v1/auth/login', {
          body: { email: tenant.email, password: tenant.password },
        })
      ).status,
    ).toBe(200);
  });
});
