import { randomBytes } from 'node:crypto';

import {
  ChannelsController,
  InboundMessageJob,
  twilioSignature,
  TwilioWebhookController,
} from '@app/conversation';
import { PlatformDb, TenantDb } from '@app/platform';
import {
  addStaff,
  expectProblem,
  pool,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type Pool } from 'pg';

interface Channel {
  id: string;
  kind: string;
  address: string;
  credentials: Record<string, string>;
  status: string;
  enabled: boolean;
  version: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const PUBLIC_BASE_URL = 'https://butler.example.com';
let api: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;

const channelsOf = (t: Tenant) => `/api/v1/properties/${t.propertyId}/channels`;
/** A number no other test registers (the route directory is platform-wide). */
const freshNumber = () =>
  `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

async function createTwilio(t: Tenant, kind = 'twilio_sms', address = freshNumber()) {
  const authToken = hex(16);
  const res = await api.request<Channel>('POST', channelsOf(t), {
    token: t.token,
    body: { kind, name: 'Front desk', address, credentials: { accountSid: `AC${hex(16)}`, authToken } },
  });
  if (res.status !== 201) throw new Error(`create channel failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { channel: res.body, authToken, number: res.body.address };
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function postTwilio(params: Record<string, string>, signature?: string, path = '/webhooks/twilio/messages') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  return api.request('POST', path, { raw: form(params), headers });
}

const signed = (authToken: string, params: Record<string, string>, path = '/webhooks/twilio/messages') =>
  postTwilio(params, twilioSignature(authToken, `${PUBLIC_BASE_URL}${path}`, params), path);

const smsParams = (to: string, from: string, body: string) => ({
  MessageSid: `SM${hex(16)}`,
  AccountSid: `AC${hex(16)}`,
  From: from,
  To: to,
  Body: body,
  NumMedia: '0',
});

async function messageCount(propertyId: string, sid?: string) {
  const r = await admin.query<{ messages: number; jobs: number }>(
    `select (select count(*)::int from conversation.messages
              where property_id = $1 and ($2::text is null or channel_message_id = $2)) as messages,
            (select count(*)::int from platform.outbox
              where property_id = $1 and job_name = 'conversation.inbound-message') as jobs`,
    [propertyId, sid ?? null],
  );
  return r.rows[0];
}

beforeAll(async () => {
  api = await startTestApi({ PUBLIC_BASE_URL });
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'twa');
  b = await signupTenant(api, 'twb');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(ChannelsController.name, () => {
  it('registers a Twilio account with its credentials sealed and shown masked', async () => {
    const { channel, authToken } = await createTwilio(a);

    expect(channel).toMatchObject({ kind: 'twilio_sms', status: 'configured', enabled: true });
    expect(channel.credentials.authToken).toBe(`••••${authToken.slice(-4)}`);
    const stored = await admin.query<{ secrets: string }>(
      'select secrets from platform.channel_accounts where id = $1',
      [channel.id],
    );
    expect(stored.rows[0].secrets).not.toContain(authToken);
    const listed = await api.request<Channel[]>('GET', channelsOf(a), { token: a.token });
    expect(JSON.stringify(listed.body)).not.toContain(authToken);
  });

  it('refuses bad credentials, an unparsable number, unknown fields and a number already registered', async () => {
    const { number } = await createTwilio(a);
    const bad = await api.request('POST', channelsOf(a), {
      token: a.token,
      body: { kind: 'twilio_sms', name: 'x', address: '12', credentials: { accountSid: 'nope', extra: '1' } },
    });
    const taken = await api.request('POST', channelsOf(b), {
      token: b.token,
      body: {
        kind: 'twilio_sms',
        name: 'x',
        address: number,
        credentials: { accountSid: `AC${hex(16)}`, authToken: hex(16) },
      },
    });

    const problem = expectProblem(bad, 400, 'validation_failed');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(
      ['address', 'credentials.accountSid', 'credentials.authToken', 'credentials.extra'].sort(),
    );
    expectProblem(taken, 409, 'channel_address_taken');
  });

  it('replaces one credential, disables the account, and keeps other properties out', async () => {
    const { channel } = await createTwilio(a);
    const manager = await addStaff(api, a, 'manager');

    const updated = await api.request<Channel>('PATCH', `${channelsOf(a)}/${channel.id}`, {
      token: a.token,
      body: { version: channel.version, credentials: { authToken: 'f'.repeat(32) }, enabled: false },
    });

    expect(updated.body).toMatchObject({
      enabled: false,
      status: 'disabled',
      credentials: { authToken: '••••ffff' },
    });
    expect(updated.body.credentials.accountSid).toBe(channel.credentials.accountSid);
    expectProblem(
      await api.request('GET', `${channelsOf(a)}/${channel.id}`, { token: manager.token }),
      403,
      'forbidden',
    );
    expectProblem(
      await api.request('GET', `${channelsOf(a)}/${channel.id}`, { token: b.token }),
      403,
      'property_forbidden',
    );
    expectProblem(
      await api.request('GET', `${channelsOf(b)}/${channel.id}`, { token: b.token }),
      404,
      'channel_not_found',
    );
  });
});

describe(TwilioWebhookController.name, () => {
  it('stores a signed SMS once with one processing job, and attaches it to a guest and a conversation', async () => {
    const { authToken, number } = await createTwilio(a);
    const params = smsParams(number, '+351912345678', 'Olá! Two more towels to 204, please 🙏');

    const res = await signed(authToken, params);
    const again = await signed(authToken, params);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(again.status).toBe(200);
    const row = await admin.query<{ id: string; content: string; conversation_id: string | null }>(
      'select id, content, conversation_id from conversation.messages where channel_message_id = $1',
      [params.MessageSid],
    );
    expect(row.rows).toHaveLength(1);
    expect(row.rows[0]).toMatchObject({ content: params.Body, conversation_id: null });

    const job = api.app.get(InboundMessageJob);
    const conversationId = await api.app
      .get(TenantDb)
      .run({ propertyId: a.propertyId }, () =>
        job.attach({ propertyId: a.propertyId, messageId: row.rows[0].id }),
      );
    const rerun = await api.app
      .get(TenantDb)
      .run({ propertyId: a.propertyId }, () =>
        job.attach({ propertyId: a.propertyId, messageId: row.rows[0].id }),
      );

    // Attached once: a rerun finds the same conversation and counts the message no second time.
    expect(rerun).toBe(conversationId);
    const conversation = await admin.query<{
      guest_id: string;
      channel_type: string;
      unread_count: number;
      on_message_times: boolean;
      processed: boolean;
    }>(
      `select c.guest_id, c.channel_type, c.unread_count,
              -- The message's time as the job read it (a JavaScript Date: to the millisecond).
              date_trunc('milliseconds', coalesce(m.received_at, m.created_at)) in (c.last_message_at, c.last_inbound_at)
                and c.last_message_at = c.last_inbound_at as on_message_times,
              m.conversation_id = c.id and m.processed_at is not null as processed
         from conversation.conversations c
         join conversation.messages m on m.id = $2
        where c.id = $1`,
      [conversationId, row.rows[0].id],
    );
    expect(conversation.rows[0]).toMatchObject({
      channel_type: 'sms',
      unread_count: 1,
      on_message_times: true,
      processed: true,
    });
    const guest = await api.request<{ phone: string }>(
      'GET',
      `/api/v1/properties/${a.propertyId}/guests/${conversation.rows[0].guest_id}`,
      { token: a.token },
    );
    expect(guest.body.phone).toBe('+351912345678');
  });

  it('stores exactly one message when ten deliveries of it arrive at once', async () => {
    const { authToken, number } = await createTwilio(a);
    const params = smsParams(number, '+351912000111', 'hello');

    const results = await Promise.all(Array.from({ length: 10 }, () => signed(authToken, params)));

    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await messageCount(a.propertyId, params.MessageSid)).toMatchObject({ messages: 1 });
    const jobs = await admin.query<{ n: number }>(
      `select count(*)::int as n from platform.outbox o join conversation.messages m
          on m.property_id = o.property_id and m.id::text = o.payload->>'messageId'
        where m.channel_message_id = $1`,
      [params.MessageSid],
    );
    expect(jobs.rows[0].n).toBe(1);
  });

  it('gives a new number one guest and one conversation when its first messages are attached at once', async () => {
    const { authToken, number } = await createTwilio(a);
    const from = `+3519130${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
    const sids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const params = smsParams(number, from, `message ${i}`);
      sids.push(params.MessageSid);
      expect((await signed(authToken, params)).status).toBe(200);
    }
    const ids = await admin.query<{ id: string }>(
      'select id from conversation.messages where channel_message_id = any($1)',
      [sids],
    );
    const job = api.app.get(InboundMessageJob);

    const attached = await Promise.all(
      ids.rows.map(({ id }) =>
        api.app
          .get(TenantDb)
          .run({ propertyId: a.propertyId }, () => job.attach({ propertyId: a.propertyId, messageId: id })),
      ),
    );

    expect(new Set(attached).size).toBe(1);
    const conversations = await admin.query<{ id: string; unread_count: number }>(
      'select id, unread_count from conversation.conversations where channel_id = $1',
      [from],
    );
    expect(conversations.rows.map((c) => [c.id, c.unread_count])).toEqual([[attached[0], 6]]);
    const guests = await admin.query('select 1 from guest.guests where property_id = $1 and phone = $2', [
      a.propertyId,
      from,
    ]);
    expect(guests.rows).toHaveLength(1);
  });

  it('routes WhatsApp senders by their number and records only Twilio-hosted media', async () => {
    const { authToken, number } = await createTwilio(a, 'twilio_whatsapp');
    const params = {
      ...smsParams(`whatsapp:${number}`, 'whatsapp:+351912000222', ''),
      NumMedia: '2',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/AC${hex(16)}/Messages/MM${hex(16)}/Media/ME${hex(16)}`,
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'http://169.254.169.254/latest/meta-data',
      MediaContentType1: 'image/png',
    };

    expect((await signed(authToken, params)).status).toBe(200);

    const row = await admin.query<{ sender_address: string; content_type: string; media: { url: string }[] }>(
      'select sender_address, content_type, media from conversation.messages where channel_message_id = $1',
      [params.MessageSid],
    );
    expect(row.rows[0]).toMatchObject({ sender_address: '+351912000222', content_type: 'image' });
    expect(row.rows[0].media.map((m) => m.url)).toEqual([params.MediaUrl0]);
  });

  it('stores nothing for a missing (401) or wrong (403) signature, a tampered body, or an unknown number (404)', async () => {
    const { authToken, number } = await createTwilio(a);
    const other = await createTwilio(b);
    const params = smsParams(number, '+351912000333', 'hi');
    const before = await messageCount(a.propertyId);

    expectProblem(await postTwilio(params), 401, 'signature_missing');
    expectProblem(await postTwilio(params, 'bm90IGEgc2lnbmF0dXJl'), 403, 'signature_invalid');
    expectProblem(await signed(other.authToken, params), 403, 'signature_invalid');
    const tampered = twilioSignature(authToken, `${PUBLIC_BASE_URL}/webhooks/twilio/messages`, params);
    expectProblem(await postTwilio({ ...params, Body: 'hi!' }, tampered), 403, 'signature_invalid');
    expectProblem(await signed(authToken, { ...params, To: freshNumber() }), 404, 'channel_not_found');

    expect(await messageCount(a.propertyId)).toEqual(before);
  });

  it('signs over the public URL with its query string, and refuses a disabled account', async () => {
    const { channel, authToken, number } = await createTwilio(a);
    const params = smsParams(number, '+351912000444', 'café ☕');
    const path = '/webhooks/twilio/messages?source=sms&lang=pt';

    expect((await signed(authToken, params, path)).status).toBe(200);
    await api.request('PATCH', `${channelsOf(a)}/${channel.id}`, {
      token: a.token,
      body: { version: channel.version, enabled: false },
    });
    expectProblem(
      await signed(authToken, smsParams(number, '+351912000444', 'again')),
      404,
      'channel_not_found',
    );
  });

  it('checks signatures with the new auth token as soon as it is replaced', async () => {
    const { channel, authToken, number } = await createTwilio(a);
    expect((await signed(authToken, smsParams(number, '+351912000555', 'before'))).status).toBe(200);
    const newToken = hex(16);

    await api.request('PATCH', `${channelsOf(a)}/${channel.id}`, {
      token: a.token,
      body: { version: channel.version, credentials: { authToken: newToken } },
    });

    expectProblem(
      await signed(authToken, smsParams(number, '+351912000555', 'old token')),
      403,
      'signature_invalid',
    );
    expect((await signed(newToken, smsParams(number, '+351912000555', 'new token'))).status).toBe(200);
  });

  it("keeps the release before's receive_inbound working during a rolling deploy: stored, its job the relay's", async () => {
    const { channel, number } = await createTwilio(a);
    const accountId = channel.id;
    const route = await admin.query<{ version: number }>(
      `select version from platform.channel_routes where account_id = $1`,
      [accountId],
    );
    const sid = `SM${hex(16)}`;

    const [stored] = await api.app
      .get(TenantDb)
      .selfScoped<{ routed: boolean; id: string }>(
        `select routed, id from conversation.receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          'twilio_sms',
          number,
          accountId,
          route.rows[0].version,
          '+351912000777',
          'old api',
          'text',
          '[]',
          sid,
          null,
          'inbound-processing',
          'conversation.inbound-message',
        ],
      );

    expect(stored.routed).toBe(true);
    const job = await admin.query<{ status: string; held: boolean }>(
      `select status, held_until is not null as held from platform.outbox where payload->>'messageId' = $1`,
      [stored.id],
    );
    expect(job.rows).toEqual([{ status: expect.any(String) as string, held: false }]);
  });

  it('stores a routed message in one self-scoped statement that leaves no property on the connection', async () => {
    const { authToken, number } = await createTwilio(a);
    const tenantDb = api.app.get(TenantDb);
    const first = smsParams(number, '+351912000666', 'one');
    const second = smsParams(number, '+351912000666', 'two');

    expect((await signed(authToken, first)).status).toBe(200); // looks the route up, remembers it
    expect((await signed(authToken, second)).status).toBe(200); // the remembered route, one statement
    const leftOver = await api.app
      .get(PlatformDb)
      .query<{ property: string | null }>(
        `select nullif(current_setting('app.property_id', true), '') as property`,
      );

    expect(await messageCount(a.propertyId, second.MessageSid)).toMatchObject({ messages: 1 });
    const job = await admin.query<{ payload: Record<string, string> }>(
      `select o.payload from platform.outbox o join conversation.messages m on m.id::text = o.payload->>'messageId'
        where m.channel_message_id = $1`,
      [second.MessageSid],
    );
    expect(job.rows[0].payload.propertyId).toBe(a.propertyId);
    expect(leftOver[0].property).toBeNull();
    await expect(
      tenantDb.run({ propertyId: a.propertyId }, () => tenantDb.selfScoped('select 1', [])),
    ).rejects.toThrow(/cannot run inside a property transaction/);
  });
});
