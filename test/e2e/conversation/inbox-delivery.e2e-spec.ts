import { randomBytes } from 'node:crypto';

import {
  ConversationGateway,
  ConversationPruneJob,
  ConversationsController,
  IdleConversationsAllJob,
  IdleConversationsJob,
  InboundMessageJob,
  OutboundMessageJob,
  RESERVE_WHERE_WRITTEN_MS,
  SendRateLimiter,
  twilioSignature,
} from '@app/conversation';
import { DeferJob, TenantDb } from '@app/platform';
import {
  addStaff,
  expectProblem,
  type FakeTwilio,
  pool,
  signupTenant,
  startFakeTwilio,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type Job } from 'bullmq';
import { type Pool } from 'pg';

interface Conversation {
  id: string;
  state: string;
  aiMode: string;
  unreadCount: number;
  channelType: string;
  address: string;
  assignedTo: string | null;
}
interface Message {
  id: string;
  direction: string;
  senderType: string;
  internal: boolean;
  content: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const PUBLIC_BASE_URL = 'https://butler.example.com';
const freshNumber = () =>
  `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
const guestNumber = () => `+35191${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

let api: TestApi;
let twilio: FakeTwilio;
let admin: Pool;
let a: Tenant;
let b: Tenant;

interface Line {
  id: string;
  number: string;
  authToken: string;
  accountSid: string;
}

async function line(t: Tenant, kind = 'twilio_sms', settings?: object): Promise<Line> {
  const accountSid = `AC${hex(16)}`;
  const authToken = hex(16);
  twilio.allow(accountSid, authToken);
  const res = await api.request<{ id: string; address: string }>(
    'POST',
    `/api/v1/properties/${t.propertyId}/channels`,
    {
      token: t.token,
      body: { kind, name: 'Hotel', address: freshNumber(), credentials: { accountSid, authToken }, settings },
    },
  );
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, number: res.body.address, authToken, accountSid };
}

function webhook(l: Line, path: string, params: Record<string, string>) {
  return api.request('POST', path, {
    raw: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(l.authToken, `${PUBLIC_BASE_URL}${path}`, params),
    },
  });
}

const inTenant = <T>(t: Tenant, work: () => Promise<T>) =>
  api.app.get(TenantDb).run({ propertyId: t.propertyId }, work);

/** A guest message through the webhook and the inbound job; returns its conversation id. */
async function guestWrites(t: Tenant, l: Line, from: string, body: string, prefix = ''): Promise<string> {
  const sid = `SM${hex(16)}`;
  const res = await webhook(l, '/webhooks/twilio/messages', {
    MessageSid: sid,
    From: `${prefix}${from}`,
    To: `${prefix}${l.number}`,
    Body: body,
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${JSON.stringify(res.body)}`);
  const row = await admin.query<{ id: string }>(
    'select id from conversation.messages where channel_message_id = $1',
    [sid],
  );
  const job = api.app.get(InboundMessageJob);
  return (await inTenant(t, () => job.attach({ propertyId: t.propertyId, messageId: row.rows[0].id })))!;
}

/** Runs the outbound job for a message as BullMQ would (attempt `attempt` of 8). */
/** Runs the send job as the worker would, waiting out each deferral (rate limit, message order). */
async function send(t: Tenant, messageId: string, attempt = 0) {
  const job = { attemptsMade: attempt, opts: { attempts: 8 } } as Job<{
    propertyId: string;
    messageId: string;
  }>;
  for (;;) {
    try {
      return await api.app.get(OutboundMessageJob).handle({ propertyId: t.propertyId, messageId }, job);
    } catch (err) {
      if (!(err instanceof DeferJob)) throw err;
      await new Promise((resolve) => setTimeout(resolve, err.delayMs));
    }
  }
}

const conversationsOf = (t: Tenant) => `/api/v1/properties/${t.propertyId}/conversations`;

async function reply(t: Tenant, conversationId: string, content: string) {
  return api.request<{ messages: Message[]; conversation: Conversation }>(
    'POST',
    `${conversationsOf(t)}/${conversationId}/messages`,
    { token: t.token, body: { content } },
  );
}

async function message(t: Tenant, conversationId: string, id: string): Promise<Message> {
  const page = await api.request<{ items: Message[] }>(
    'GET',
    `${conversationsOf(t)}/${conversationId}/messages`,
    {
      token: t.token,
    },
  );
  return page.body.items.find((m) => m.id === id)!;
}

beforeAll(async () => {
  twilio = await startFakeTwilio();
  api = await startTestApi({ PUBLIC_BASE_URL, TWILIO_API_BASE_URL: twilio.url });
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'inba');
  b = await signupTenant(api, 'inbb');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
  await twilio?.close();
});

describe(ConversationsController.name, () => {
  it('lists the new conversation first, unread, and only in its own property', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'Is breakfast included?');

    const inbox = await api.request<{ items: Conversation[] }>('GET', `${conversationsOf(a)}?unread=true`, {
      token: a.token,
    });
    const read = await api.request<Conversation>('POST', `${conversationsOf(a)}/${id}/read`, {
      token: a.token,
    });

    expect(inbox.body.items[0]).toMatchObject({ id, state: 'new', unreadCount: 1, channelType: 'sms' });
    expect(read.body.unreadCount).toBe(0);
    expectProblem(
      await api.request('GET', `${conversationsOf(a)}/${id}`, { token: b.token }),
      403,
      'property_forbidden',
    );
    expectProblem(
      await api.request('GET', `${conversationsOf(b)}/${id}`, { token: b.token }),
      404,
      'conversation_not_found',
    );
    const bInbox = await api.request<{ items: Conversation[] }>('GET', conversationsOf(b), {
      token: b.token,
    });
    expect(bInbox.body.items.map((c) => c.id)).not.toContain(id);
  });

  it('sends a staff reply exactly once, pauses the AI, and never sends a note', async () => {
    const l = await line(a);
    const guest = guestNumber();
    const id = await guestWrites(a, l, guest, 'Two more towels to 204 please');

    const res = await reply(a, id, 'On their way!');
    const note = await api.request<Message>('POST', `${conversationsOf(a)}/${id}/notes`, {
      token: a.token,
      body: { content: 'Guest sounded annoyed' },
    });
    const sentBefore = twilio.accepted().length;
    await send(a, res.body.messages[0].id);
    await send(a, res.body.messages[0].id); // a retried job after the recorded success

    expect(res.status).toBe(201);
    expect(res.body.conversation).toMatchObject({ aiMode: 'paused', state: 'active' });
    expect(note.body).toMatchObject({ internal: true, deliveryStatus: null });
    const sends = twilio.accepted().slice(sentBefore);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      accountSid: l.accountSid,
      params: {
        To: guest,
        From: l.number,
        Body: 'On their way!',
        StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status`,
      },
    });
    expect(await message(a, id, res.body.messages[0].id)).toMatchObject({ deliveryStatus: 'sent' });
    const notesQueued = await admin.query<{ n: number }>(
      `select count(*)::int as n from platform.outbox where payload->>'messageId' = $1 and job_name = 'conversation.outbound-message'`,
      [note.body.id],
    );
    expect(notesQueued.rows[0].n).toBe(0);
  });

  it('retries after a 500 and delivers once; a 400 fails the message with the reason', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hello');
    const first = (await reply(a, id, 'Retry me')).body.messages[0];
    const second = (await reply(a, id, 'Refuse me')).body.messages[0];
    const before = twilio.accepted().length;

    twilio.queue({ status: 500 });
    await expect(send(a, first.id, 0)).rejects.toThrow(/HTTP 500/);
    await send(a, first.id, 1);
    twilio.queue({ status: 400 });
    await expect(send(a, second.id, 0)).rejects.toThrow(/HTTP 400/);

    expect(twilio.accepted().length - before).toBe(1);
    expect(await message(a, id, first.id)).toMatchObject({ deliveryStatus: 'sent' });
    expect(await message(a, id, second.id)).toMatchObject({ deliveryStatus: 'failed' });
    expect((await message(a, id, second.id)).deliveryError).toMatch(/HTTP 400: fake error 400/);
  });

  it('moves delivery status forward only, from signed status callbacks', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const sent = (await reply(a, id, 'Status me')).body.messages[0];
    await send(a, sent.id);
    const sid = (
      await admin.query<{ channel_message_id: string }>(
        'select channel_message_id from conversation.messages where id = $1',
        [sent.id],
      )
    ).rows[0].channel_message_id;
    const status = (s: string) =>
      webhook(l, '/webhooks/twilio/status', { MessageSid: sid, MessageStatus: s, From: l.number });

    expect((await status('delivered')).status).toBe(204);
    await status('sent'); // late and out of order
    const afterLate = await message(a, id, sent.id);
    await status('read');
    const afterRead = await message(a, id, sent.id);

    expect(afterLate.deliveryStatus).toBe('delivered');
    expect(afterRead.deliveryStatus).toBe('read');
    expectProblem(
      await api.request('POST', '/webhooks/twilio/status', {
        raw: new URLSearchParams({ MessageSid: sid, MessageStatus: 'failed', From: l.number }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      }),
      403,
      'signature_invalid',
    );
  });

  it('records STOP, confirms it, then refuses replies to that number until START', async () => {
    const l = await line(a);
    const guest = guestNumber();
    const id = await guestWrites(a, l, guest, 'STOP');

    const refused = await reply(a, id, 'Are you sure?');
    const confirmation = await admin.query<{ id: string; content: string }>(
      `select id, content from conversation.messages where conversation_id = $1 and sender_type = 'system'`,
      [id],
    );
    const before = twilio.accepted().length;
    await send(a, confirmation.rows[0].id);
    await guestWrites(a, l, guest, 'start');
    const allowed = await reply(a, id, 'Welcome back');

    expectProblem(refused, 409, 'recipient_opted_out');
    expect(confirmation.rows[0].content).toMatch(/Reply START/);
    expect(twilio.accepted().length - before).toBe(1); // the confirmation still goes out
    expect(allowed.status).toBe(201);
  });

  it("refuses free-form WhatsApp replies more than 24 hours after the guest's last message", async () => {
    const l = await line(a, 'twilio_whatsapp');
    const id = await guestWrites(a, l, guestNumber(), 'Olá', 'whatsapp:');
    const ok = await reply(a, id, 'Olá! Como posso ajudar?');
    await admin.query(
      `update conversation.conversations set last_inbound_at = now() - interval '25 hours' where id = $1`,
      [id],
    );

    expect(ok.status).toBe(201);
    expectProblem(await reply(a, id, 'Still there?'), 409, 'whatsapp_window_closed');
  });

  it('sends a registered Content API template through Twilio WhatsApp outside the 24-hour window', async () => {
    const contentSid = `HX${hex(16)}`;
    const l = await line(a, 'twilio_whatsapp', {
      templates: [
        { name: 'room_ready', language: 'en', variables: ['guestName', 'room'], contentSid },
        {
          name: 'room_ready',
          language: 'pt_PT',
          variables: ['guestName', 'room'],
          contentSid: `HX${hex(16)}`,
        },
      ],
    });
    const guest = guestNumber();
    const id = await guestWrites(a, l, guest, 'Hi', 'whatsapp:');
    await admin.query(
      `update conversation.conversations set last_inbound_at = now() - interval '30 hours' where id = $1`,
      [id],
    );
    const template = (t: object) =>
      api.request<{ messages: (Message & { template: object })[] }>(
        'POST',
        `${conversationsOf(a)}/${id}/messages`,
        { token: a.token, body: { template: t } },
      );

    const ambiguous = await template({ name: 'room_ready', variables: { guestName: 'Ana', room: '204' } });
    const missing = await template({ name: 'room_ready', language: 'en', variables: { guestName: 'Ana' } });
    const sent = await template({
      name: 'room_ready',
      language: 'en',
      variables: { guestName: 'Ana', room: '204' },
    });
    const before = twilio.accepted().length;
    await send(a, sent.body.messages[0].id);

    expectProblem(ambiguous, 422, 'template_language_ambiguous');
    expectProblem(missing, 400, 'validation_failed');
    expect(missing.body).toMatchObject({ errors: [{ field: 'template.variables.room' }] });
    expect(sent.status).toBe(201);
    expect(sent.body.messages[0]).toMatchObject({
      content: '[template room_ready (en) guestName: Ana, room: 204]',
      template: { name: 'room_ready', language: 'en', parameters: ['Ana', '204'] },
    });
    const sends = twilio.accepted().slice(before);
    expect(sends).toHaveLength(1);
    expect(sends[0].params).toMatchObject({
      To: `whatsapp:${guest}`,
      From: `whatsapp:${l.number}`,
      ContentSid: contentSid,
      ContentVariables: JSON.stringify({ 1: 'Ana', 2: '204' }),
    });
    expect(sends[0].params.Body).toBeUndefined();
    expect(await message(a, id, sent.body.messages[0].id)).toMatchObject({ deliveryStatus: 'sent' });
  });

  it('refuses templates on SMS and template settings a Twilio sender cannot use', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const noSid = await api.request('POST', `/api/v1/properties/${a.propertyId}/channels`, {
      token: a.token,
      body: {
        kind: 'twilio_whatsapp',
        name: 'WA',
        address: freshNumber(),
        credentials: { accountSid: `AC${hex(16)}`, authToken: hex(16) },
        settings: { templates: [{ name: 'welcome', language: 'en', variables: [] }] },
      },
    });

    expectProblem(
      await api.request('POST', `${conversationsOf(a)}/${id}/messages`, {
        token: a.token,
        body: { template: { name: 'welcome' } },
      }),
      422,
      'template_not_supported',
    );
    expectProblem(
      await api.request('POST', `${conversationsOf(a)}/${id}/messages`, {
        token: a.token,
        body: { content: 'hi', template: { name: 'welcome' } },
      }),
      400,
      'validation_failed',
    );
    expectProblem(noSid, 400, 'validation_failed');
    expect(noSid.body).toMatchObject({
      errors: [{ field: 'settings.templates', message: expect.stringMatching(/contentSid/) as string }],
    });
  });

  it('sends the parts of a long reply in order, even when a later part is picked up first', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'Tell me about the spa');
    const text = 'The spa opens at nine and closes at eight, every day of the week. '.repeat(30).trim();
    const parts = (await reply(a, id, text)).body.messages;
    // Within one millisecond, as a fast database writes them: order lives in the microseconds.
    await admin.query(
      `update conversation.messages m set created_at = date_trunc('milliseconds', now()) + p.n * interval '100 microseconds'
         from unnest($1::uuid[]) with ordinality as p(id, n) where m.id = p.id`,
      [parts.map((m) => m.id)],
    );
    const before = twilio.accepted().length;

    await Promise.all([...parts].reverse().map((m) => send(a, m.id)));

    expect(parts.length).toBeGreaterThan(1);
    const bodies = twilio
      .accepted()
      .slice(before)
      .filter((s) => s.accountSid === l.accountSid)
      .map((s) => s.params.Body);
    expect(bodies).toEqual(parts.map((m) => m.content));
  });

  it("applies a status callback that overtakes the provider's answer once the answer is recorded", async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const sent = (await reply(a, id, 'Fast network')).body.messages[0];
    const early: number[] = [];
    twilio.beforeNextAnswer(async (sid) => {
      const res = await webhook(l, '/webhooks/twilio/status', {
        MessageSid: sid,
        MessageStatus: 'delivered',
        From: l.number,
      });
      early.push(res.status);
    });

    await send(a, sent.id);

    expect(early).toEqual([204]);
    expect(await message(a, id, sent.id)).toMatchObject({ deliveryStatus: 'delivered' });
    const parked = await admin.query(
      'select 1 from conversation.parked_statuses where channel_account_id = $1',
      [l.id],
    );
    expect(parked.rows).toHaveLength(0);
  });

  it('applies several overtaking callbacks in status order, whatever order they came in', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const sent = (await reply(a, id, 'Faster network')).body.messages[0];
    const early: number[] = [];
    twilio.beforeNextAnswer(async (sid) => {
      for (const status of ['read', 'delivered'])
        early.push(
          (
            await webhook(l, '/webhooks/twilio/status', {
              MessageSid: sid,
              MessageStatus: status,
              From: l.number,
            })
          ).status,
        );
    });

    await send(a, sent.id);

    expect(early).toEqual([204, 204]);
    expect(await message(a, id, sent.id)).toMatchObject({ deliveryStatus: 'read' });
    const parked = await admin.query(
      'select 1 from conversation.parked_statuses where channel_account_id = $1',
      [l.id],
    );
    expect(parked.rows).toHaveLength(0);

    // The statuses the message moved through, in order (each one a message.status event).
    const next = (await reply(a, id, 'And again')).body.messages[0];
    const client = await admin.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.property_id', $1, true)`, [a.propertyId]);
      const delivery = await client.query<{ id: string }>(
        `insert into conversation.deliveries (property_id, message_id, channel_account_id, idempotency_key, status)
         values ($1, $2, $3, $4, 'sending') returning id`,
        [a.propertyId, next.id, l.id, `message:${next.id}`],
      );
      for (const status of ['read', 'delivered'])
        await client.query(
          `insert into conversation.parked_statuses (property_id, channel_account_id, channel_message_id, status)
           values ($1, $2, 'SM-overtaken', $3)`,
          [a.propertyId, l.id, status],
        );
      const moved = await client.query(
        `select message_id, status from conversation.record_send_result($1, $2, $3, $4, 'sent', 'SM-overtaken', null)`,
        [a.propertyId, delivery.rows[0].id, next.id, l.id],
      );
      expect(moved.rows).toEqual(
        ['sent', 'delivered', 'read'].map((status) => ({ message_id: next.id, status })),
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it("records a send's outcome in a statement of its own, never for another property or inside a transaction", async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const sent = (await reply(a, id, 'Noted')).body.messages[0];
    await send(a, sent.id);
    const delivery = await admin.query<{ id: string; status: string }>(
      'select id, status from conversation.deliveries where message_id = $1',
      [sent.id],
    );
    const outcome = (propertyId: string) =>
      api.app
        .get(TenantDb)
        .selfScoped(
          `select * from conversation.record_send_result_scoped($1, $2, $3, $4, 'failed', null, 'late')`,
          [propertyId, delivery.rows[0].id, sent.id, l.id],
        );

    // Property b's scope sees none of a's rows: nothing changes.
    expect(await outcome(b.propertyId)).toEqual([]);
    await expect(inTenant(a, () => outcome(a.propertyId))).rejects.toThrow(/property transaction/);
    const client = await admin.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.property_id', $1, true)`, [b.propertyId]);
      await expect(
        client.query(
          `select * from conversation.record_send_result_scoped($1, $2, $3, $4, 'failed', null, 'x')`,
          [a.propertyId, delivery.rows[0].id, sent.id, l.id],
        ),
      ).rejects.toThrow(/already scoped to another property/);
    } finally {
      await client.query('rollback');
      client.release();
    }

    expect(await message(a, id, sent.id)).toMatchObject({ deliveryStatus: 'sent' });
    expect(
      (await admin.query('select status from conversation.deliveries where id = $1', [delivery.rows[0].id]))
        .rows,
    ).toEqual([{ status: 'sent' }]);
    expect(delivery.rows[0].status).toBe('sent');
  });

  it('forgets a week-old parked callback of its own property only, and expired web chat tokens', async () => {
    const la = await line(a);
    const lb = await line(b);
    const park = (t: Tenant, l: Line, age: string) =>
      admin.query(
        `insert into conversation.parked_statuses (property_id, channel_account_id, channel_message_id, status, received_at)
         values ($1, $2, $3, 'delivered', now() - $4::interval)`,
        [t.propertyId, l.id, `SM${hex(16)}`, age],
      );
    await park(a, la, '8 days');
    await park(a, la, '1 hour');
    await park(b, lb, '8 days');
    const token = (age: string) =>
      admin.query(
        `insert into platform.webchat_tokens (token_hash, property_id, session_id, expires_at)
         values ($1, $2, $3, now() - $4::interval)`,
        [randomBytes(32), a.propertyId, crypto.randomUUID(), age],
      );
    await token('2 days');
    await token('1 hour');
    const left = async (t: Tenant) =>
      (
        await admin.query<{ n: number }>(
          'select count(*)::int as n from conversation.parked_statuses where property_id = $1',
          [t.propertyId],
        )
      ).rows[0].n;

    const pruned = await inTenant(a, () =>
      api.app.get(ConversationPruneJob).handle({ propertyId: a.propertyId }),
    );
    await api.app.get(IdleConversationsAllJob).handle();

    expect(pruned).toBe(1);
    expect([await left(a), await left(b)]).toEqual([1, 1]);
    const tokens = await admin.query<{ n: number }>(
      `select count(*)::int as n from platform.webchat_tokens where expires_at < now() - interval '1 day'`,
    );
    expect(tokens.rows[0].n).toBe(0);
    expect(
      (
        await admin.query(
          "select 1 from platform.webchat_tokens where expires_at > now() - interval '2 hours'",
        )
      ).rows.length,
    ).toBeGreaterThan(0);
  });

  it("writes the AI's replies whole when they fit, split when long, and never into another property", async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const gateway = api.app.get(ConversationGateway);
    const sentence = 'The pool opens at seven and closes at nine, towels are by the door. ';
    const long = sentence.repeat(Math.ceil(1700 / sentence.length)).trim();
    const before = (
      await admin.query<{ at: Date; version: number }>(
        'select last_message_at as at, version from conversation.conversations where id = $1',
        [id],
      )
    ).rows[0];

    const short = await inTenant(a, () =>
      gateway.send(id, { content: 'Breakfast is from 7 to 10.', intent: 'dining_info', senderType: 'ai' }),
    );
    const split = await inTenant(a, () =>
      gateway.send(id, { content: long, intent: 'amenities_info', senderType: 'ai' }),
    );
    await expect(
      inTenant(b, () => gateway.send(id, { content: 'Hello', intent: 'greeting', senderType: 'ai' })),
    ).rejects.toThrow(/gone/);

    const rows = await admin.query<{ id: string; content: string; account: string; pending: boolean }>(
      `select id, content, channel_account_id as account, delivery_status = 'pending' as pending
         from conversation.messages where conversation_id = $1 and direction = 'outbound' order by created_at`,
      [id],
    );
    expect(rows.rows.map((r) => r.content.length)).toEqual([26, expect.any(Number), expect.any(Number)]);
    expect(rows.rows[0]).toMatchObject({ id: short, account: l.id, pending: true });
    expect(rows.rows[1].id).toBe(split);
    expect(
      rows.rows
        .slice(1)
        .map((r) => r.content)
        .join(' '),
    ).toBe(long);
    const jobs = await admin.query<{ message: string }>(
      `select payload ->> 'messageId' as message from platform.outbox
        where job_name = 'conversation.outbound-message' and payload ->> 'messageId' = any($1)`,
      [rows.rows.map((r) => r.id)],
    );
    expect(jobs.rows).toHaveLength(3);
    const after = (
      await admin.query<{ at: Date; version: number }>(
        'select last_message_at as at, version from conversation.conversations where id = $1',
        [id],
      )
    ).rows[0];
    expect(after.at.getTime()).toBeGreaterThan(before.at.getTime());
    expect(after.version).toBe(before.version + 2);
  });

  it("claims a reply's send in the transaction that wrote the reply, then sends it once; a rollback claims nothing", async () => {
    const l = await line(a);
    const guest = guestNumber();
    const id = await guestWrites(a, l, guest, 'Is the pool open?');
    const gateway = api.app.get(ConversationGateway);
    const job = api.app.get(OutboundMessageJob);
    const deliveries = (messageId: string) =>
      admin
        .query<{ status: string; attempts: number }>(
          'select status, attempts from conversation.deliveries where message_id = $1',
          [messageId],
        )
        .then((r) => r.rows);

    const { messageId, prepared, seenInside } = await inTenant(a, async () => {
      const written = await gateway.send(id, {
        content: 'Until nine.',
        intent: 'amenities_info',
        senderType: 'ai',
      });
      const steps = await job.prepareWhereWritten({ propertyId: a.propertyId, messageId: written });
      // Claimed in this transaction: nobody else sees it before the reply commits.
      return { messageId: written, prepared: steps, seenInside: await deliveries(written) };
    });
    expect(seenInside).toEqual([]);
    expect(await deliveries(messageId)).toEqual([{ status: 'sending', attempts: 1 }]);

    const before = twilio.accepted().length;
    await expect(job.handle({ propertyId: a.propertyId, messageId }, undefined, prepared)).resolves.toBe(
      'sent',
    );
    await send(a, messageId); // a retried job finds it sent

    const sends = twilio.accepted().slice(before);
    expect(sends).toHaveLength(1);
    expect(sends[0].params).toMatchObject({ To: guest, From: l.number, Body: 'Until nine.' });
    expect(await deliveries(messageId)).toEqual([{ status: 'sent', attempts: 1 }]);
    expect(await message(a, id, messageId)).toMatchObject({ deliveryStatus: 'sent' });

    // A reply whose transaction rolls back leaves neither it nor a claim behind.
    let rolledBack: string | undefined;
    await expect(
      inTenant(a, async () => {
        rolledBack = (await gateway.send(id, {
          content: 'Never sent.',
          intent: 'amenities_info',
          senderType: 'ai',
        }))!;
        await job.prepareWhereWritten({ propertyId: a.propertyId, messageId: rolledBack });
        throw new Error('the reply failed');
      }),
    ).rejects.toThrow('the reply failed');
    expect(await deliveries(rolledBack!)).toEqual([]);
    // Another property's transaction finds no message to prepare, and claims nothing.
    const other = await inTenant(b, () => job.prepareWhereWritten({ propertyId: b.propertyId, messageId }));
    expect(other).toBe('not an outbound message');
  });

  it("plans a reply's send for the queue, unclaimed, when the rate limiter does not answer inside the reply's transaction", async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'Is the spa open?');
    const gateway = api.app.get(ConversationGateway);
    const limiter = api.app.get(SendRateLimiter);
    const stalled = jest.spyOn(limiter, 'reserve').mockReturnValue(new Promise<number>(() => undefined));
    try {
      const started = Date.now();
      const { messageId, prepared } = await inTenant(a, async () => {
        const written = await gateway.send(id, {
          content: 'Until eight.',
          intent: 'amenities_info',
          senderType: 'ai',
        });
        return {
          messageId: written,
          prepared: await api.app
            .get(OutboundMessageJob)
            .prepareWhereWritten({ propertyId: a.propertyId, messageId: written }),
        };
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(RESERVE_WHERE_WRITTEN_MS - 50);
      expect(prepared).toMatchObject({ deferMs: 1000 });
      expect((prepared as { reason: string }).reason).toMatch(/no answer from the rate limiter/);
      const claims = await admin.query('select 1 from conversation.deliveries where message_id = $1', [
        messageId,
      ]);
      expect(claims.rows).toHaveLength(0);
      stalled.mockRestore();
      // The queued job, once the limiter answers, claims and sends it.
      const before = twilio.accepted().length;
      expect(await send(a, messageId)).toBe('sent');
      expect(twilio.accepted().length - before).toBe(1);
    } finally {
      stalled.mockRestore();
    }
  });

  it('splits an SMS longer than 1,600 characters on sentence ends instead of truncating it', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'Tell me everything');
    const sentence = 'This hotel has a long and storied history that we love to tell. ';
    const text = sentence.repeat(40).trim();

    const res = await reply(a, id, text);

    expect(res.body.messages.length).toBeGreaterThan(1);
    expect(res.body.messages.every((m) => m.content.length <= 1600)).toBe(true);
    expect(res.body.messages.map((m) => m.content).join(' ')).toBe(text);
  });

  it('moves through resolve and reopen, refuses illegal moves, and lets only inbox roles act', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const housekeeping = await addStaff(api, a, 'housekeeping');
    const frontDesk = await addStaff(api, a, 'front_desk');
    const act = (action: string, token = a.token) =>
      api.request<Conversation>('POST', `${conversationsOf(a)}/${id}/${action}`, { token });

    expect((await act('resolve')).body.state).toBe('resolved');
    expectProblem(await act('escalate'), 409, 'invalid_transition');
    expect((await act('reopen', frontDesk.token)).body.state).toBe('active');
    expect((await act('escalate')).body.state).toBe('escalated');
    expectProblem(await act('resolve', housekeeping.token), 403, 'forbidden');
    expectProblem(
      await api.request('GET', conversationsOf(a), { token: housekeeping.token }),
      403,
      'forbidden',
    );
    const assigned = await api.request<Conversation>('POST', `${conversationsOf(a)}/${id}/assign`, {
      token: a.token,
      body: { userId: frontDesk.userId },
    });
    expect(assigned.body.assignedTo).toBe(frontDesk.userId);
    expectProblem(
      await api.request('POST', `${conversationsOf(a)}/${id}/assign`, {
        token: a.token,
        body: { userId: b.userId },
      }),
      400,
      'validation_failed',
    );
  });

  it('checks channel credentials with the provider and records the answer', async () => {
    const l = await line(a);
    const channel = `/api/v1/properties/${a.propertyId}/channels/${l.id}`;

    const ok = await api.request<{ status: string; version: number }>('POST', `${channel}/test`, {
      token: a.token,
    });
    await api.request('PATCH', channel, {
      token: a.token,
      body: { version: ok.body.version, credentials: { authToken: '0'.repeat(32) } },
    });
    const refused = await api.request<{ status: string; lastError: string }>('POST', `${channel}/test`, {
      token: a.token,
    });

    expect(ok.body.status).toBe('connected');
    expect(refused.body).toMatchObject({
      status: 'error',
      lastError: expect.stringMatching(/HTTP 401/) as string,
    });
    expectProblem(
      await api.request('POST', `${channel}/test`, { token: b.token }),
      403,
      'property_forbidden',
    );
  });

  it('keeps to one send per second per Twilio account, however many workers send at once', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hi');
    const replies = await Promise.all(['one', 'two', 'three'].map((text) => reply(a, id, text)));

    await Promise.all(replies.map((r) => send(a, r.body.messages[0].id)));

    const seconds = twilio
      .accepted()
      .filter((s) => s.accountSid === l.accountSid)
      .map((s) => Math.floor(s.at / 1000));
    expect(seconds).toHaveLength(3);
    expect(new Set(seconds).size).toBe(3);
  });

  it('asks a quiet guest after the idle hours, then closes the conversation, by the property settings', async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'hello');
    const settings = await api.request('PATCH', `/api/v1/properties/${a.propertyId}`, {
      token: a.token,
      body: { settings: { conversations: { idleWarnHours: 2, idleCloseHours: 6 } } },
    });
    const sweep = () =>
      inTenant(a, () => api.app.get(IdleConversationsJob).handle({ propertyId: a.propertyId }));
    await admin.query(
      `update conversation.conversations set last_message_at = now() - interval '1 hour' where id = $1`,
      [id],
    );
    const early = await sweep();
    await admin.query(
      `update conversation.conversations set last_message_at = now() - interval '3 hours' where id = $1`,
      [id],
    );
    const warned = await sweep();
    await admin.query(
      `update conversation.conversations set idle_warned_at = now() - interval '7 hours' where id = $1`,
      [id],
    );
    const closed = await sweep();

    expect(settings.status).toBe(200);
    expect(early.warned).toBe(0);
    expect(warned.warned).toBeGreaterThanOrEqual(1);
    const question = await admin.query<{ content: string; intent: string }>(
      `select content, intent from conversation.messages where conversation_id = $1 and sender_type = 'system'`,
      [id],
    );
    expect(question.rows).toEqual([expect.objectContaining({ intent: 'idle_check' })]);
    expect(closed.closed).toBeGreaterThanOrEqual(1);
    const after = await api.request<Conversation>('GET', `${conversationsOf(a)}/${id}`, { token: a.token });
    expect(after.body.state).toBe('closed');
  });

  it("moves a merged guest's conversations to the surviving profile", async () => {
    const l = await line(a);
    const kept = await guestWrites(a, l, guestNumber(), 'hi from my mobile');
    const merged = await guestWrites(a, l, guestNumber(), 'hi from my other phone');
    const guestOf = async (id: string) =>
      (
        await admin.query<{ guest_id: string }>(
          'select guest_id from conversation.conversations where id = $1',
          [id],
        )
      ).rows[0].guest_id;
    const [target, source] = [await guestOf(kept), await guestOf(merged)];

    const res = await api.request('POST', `/api/v1/properties/${a.propertyId}/guests/${target}/merge`, {
      token: a.token,
      body: { sourceGuestId: source },
    });

    expect(res.status).toBe(200);
    expect(await guestOf(merged)).toBe(target);
  });

  it("refuses every inbox route on another property's conversation, and writes nothing", async () => {
    const l = await line(a);
    const id = await guestWrites(a, l, guestNumber(), 'private');
    const routes: [string, string, unknown][] = [
      ['GET', '', undefined],
      ['GET', '/messages', undefined],
      ['POST', '/messages', { content: 'x' }],
      ['POST', '/messages', { template: { name: 'x' } }],
      ['POST', '/notes', { content: 'x' }],
      ['POST', '/assign', { userId: null }],
      ['POST', '/ai-mode', { mode: 'auto' }],
      ['POST', '/read', undefined],
      ['POST', '/typing', undefined],
      ['POST', '/escalate', undefined],
      ['POST', '/resolve', undefined],
      ['POST', '/close', undefined],
      ['POST', '/reopen', undefined],
    ];
    const before = await admin.query('select state, version from conversation.conversations where id = $1', [
      id,
    ]);

    for (const [method, suffix, body] of routes) {
      expectProblem(
        await api.request(method, `${conversationsOf(a)}/${id}${suffix}`, { token: b.token, body }),
        403,
        'property_forbidden',
      );
      expectProblem(
        await api.request(method, `${conversationsOf(b)}/${id}${suffix}`, { token: b.token, body }),
        404,
        'conversation_not_found',
      );
    }

    const after = await admin.query('select state, version from conversation.conversations where id = $1', [
      id,
    ]);
    expect(after.rows).toEqual(before.rows);
  });
});
