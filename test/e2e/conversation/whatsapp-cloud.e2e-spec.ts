import { createHmac, randomBytes } from 'node:crypto';

import { InboundMessageJob, OutboundMessageJob, WhatsAppWebhookController } from '@app/conversation';
import { TenantDb } from '@app/platform';
import {
  expectProblem,
  type FakeWhatsApp,
  pool,
  signupTenant,
  startFakeWhatsApp,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type Pool } from 'pg';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const phoneNumberId = () => String(100000000000000 + Math.floor(Math.random() * 1e14));

let api: TestApi;
let graph: FakeWhatsApp;
let admin: Pool;
let a: Tenant;
let b: Tenant;

interface Account {
  id: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
}

async function account(t: Tenant, settings?: object): Promise<Account> {
  const creds = { accessToken: `EAA${hex(20)}`, appSecret: hex(16), verifyToken: `verify-${hex(8)}` };
  const id = phoneNumberId();
  graph.allow(id, creds.accessToken);
  const res = await api.request<{ id: string }>('POST', `/api/v1/properties/${t.propertyId}/channels`, {
    token: t.token,
    body: { kind: 'whatsapp_cloud', name: 'WhatsApp', address: id, credentials: creds, settings },
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, phoneNumberId: id, appSecret: creds.appSecret, verifyToken: creds.verifyToken };
}

const notification = (acc: Account, value: object) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: acc.phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});

const textMessage = (from: string, body: string) => ({
  from,
  id: `wamid.${hex(16)}`,
  timestamp: String(Math.floor(Date.now() / 1000)),
  type: 'text',
  text: { body },
});

function post(body: object, secret?: string, signature?: string) {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig =
    signature ?? (secret ? `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` : undefined);
  if (sig) headers['x-hub-signature-256'] = sig;
  return api.request<{ received: number }>('POST', '/webhooks/whatsapp', { raw, headers });
}

const count = async (propertyId: string) =>
  (
    await admin.query<{ n: number }>(
      'select count(*)::int as n from conversation.messages where property_id = $1',
      [propertyId],
    )
  ).rows[0].n;

beforeAll(async () => {
  graph = await startFakeWhatsApp();
  api = await startTestApi({ WHATSAPP_API_BASE_URL: graph.url });
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'waa');
  b = await signupTenant(api, 'wab');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
  await graph?.close();
});

describe(WhatsAppWebhookController.name, () => {
  it("answers Meta's verification challenge only for a known verify token", async () => {
    const acc = await account(a);
    const verify = (token: string) =>
      api.request(
        'GET',
        `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
      );

    const ok = await verify(acc.verifyToken);

    expect(ok.status).toBe(200);
    expect(ok.body).toBe(1158201444);
    expectProblem(await verify('not-a-token'), 403, 'signature_invalid');
  });

  it('stores every message of a signed batch once, with accents and emoji, and ignores a redelivery', async () => {
    const acc = await account(a);
    const messages = [
      textMessage('351912345678', 'Olá! Há toalhas? 🧖'),
      textMessage('351912345679', 'Café às 7?'),
    ];
    const body = notification(acc, {
      contacts: [{ profile: { name: 'Zoë' }, wa_id: '351912345678' }],
      messages,
    });
    const before = await count(a.propertyId);

    const first = await post(body, acc.appSecret);
    const again = await post(body, acc.appSecret);

    expect(first.body).toEqual({ received: 2 });
    expect(again.body).toEqual({ received: 0 });
    expect((await count(a.propertyId)) - before).toBe(2);
    const row = await admin.query<{ sender_address: string; content: string }>(
      'select sender_address, content from conversation.messages where channel_message_id = $1',
      [messages[0].id],
    );
    expect(row.rows[0]).toEqual({ sender_address: '+351912345678', content: 'Olá! Há toalhas? 🧖' });
  });

  it("stores nothing without a signature (401), with a wrong one or another app's (403), or for an unknown number (404)", async () => {
    const acc = await account(a);
    const other = await account(b);
    const body = notification(acc, { messages: [textMessage('351912000001', 'hi')] });
    const before = await count(a.propertyId);

    expectProblem(await post(body), 401, 'signature_missing');
    expectProblem(await post(body, undefined, 'sha256=' + '0'.repeat(64)), 403, 'signature_invalid');
    expectProblem(await post(body, other.appSecret), 403, 'signature_invalid');
    expectProblem(
      await post(notification({ ...acc, phoneNumberId: phoneNumberId() }, { messages: [] }), acc.appSecret),
      404,
      'channel_not_found',
    );

    expect(await count(a.propertyId)).toBe(before);
    const ping = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'account_update', value: {} }] }],
    };
    expectProblem(await post(ping, 'not-the-app-secret'), 403, 'signature_invalid');
    expect((await post(ping, acc.appSecret)).body).toEqual({ received: 0 });
  });

  it('replies through the Graph API exactly once and follows its delivery statuses forward', async () => {
    const acc = await account(a);
    const incoming = textMessage('351912000002', 'Can I check in early?');
    await post(notification(acc, { messages: [incoming] }), acc.appSecret);
    const messageId = (
      await admin.query<{ id: string }>(
        'select id from conversation.messages where channel_message_id = $1',
        [incoming.id],
      )
    ).rows[0].id;
    const tenantDb = api.app.get(TenantDb);
    const conversationId = (await tenantDb.run({ propertyId: a.propertyId }, () =>
      api.app.get(InboundMessageJob).attach({ propertyId: a.propertyId, messageId }),
    ))!;
    const reply = await api.request<{ messages: { id: string }[] }>(
      'POST',
      `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/messages`,
      { token: a.token, body: { content: 'Yes, from 11:00.' } },
    );
    const sentId = reply.body.messages[0].id;
    const before = graph.accepted().length;

    await api.app.get(OutboundMessageJob).handle({ propertyId: a.propertyId, messageId: sentId });
    await api.app.get(OutboundMessageJob).handle({ propertyId: a.propertyId, messageId: sentId });

    const sends = graph.accepted().slice(before);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      phoneNumberId: acc.phoneNumberId,
      body: {
        messaging_product: 'whatsapp',
        to: '351912000002',
        type: 'text',
        text: { body: 'Yes, from 11:00.' },
      },
    });
    const wamid = (
      await admin.query<{ channel_message_id: string }>(
        'select channel_message_id from conversation.messages where id = $1',
        [sentId],
      )
    ).rows[0].channel_message_id;
    const statuses = (...s: string[]) =>
      post(
        notification(acc, {
          statuses: s.map((status) => ({ id: wamid, status, recipient_id: '351912000002' })),
        }),
        acc.appSecret,
      );
    await statuses('read', 'delivered');
    const status = await admin.query<{ delivery_status: string }>(
      'select delivery_status from conversation.messages where id = $1',
      [sentId],
    );
    expect(status.rows[0].delivery_status).toBe('read');
  });

  it('sends a registered template outside the 24-hour window, free text never', async () => {
    const templates = [
      {
        name: 'pre_arrival',
        language: 'en_US',
        variables: ['guestName', 'arrival'],
        body: 'Hello {{1}}, we look forward to welcoming you on {{2}}! 🌞',
      },
      { name: 'pre_arrival', language: 'pt_PT', variables: ['guestName', 'arrival'] },
      { name: 'checkout_thanks', language: 'en_US', variables: [] },
    ];
    const acc = await account(a, { templates });
    const incoming = textMessage('351912000003', 'Olá');
    await post(notification(acc, { messages: [incoming] }), acc.appSecret);
    const messageId = (
      await admin.query<{ id: string }>(
        'select id from conversation.messages where channel_message_id = $1',
        [incoming.id],
      )
    ).rows[0].id;
    const conversationId = (await api.app
      .get(TenantDb)
      .run({ propertyId: a.propertyId }, () =>
        api.app.get(InboundMessageJob).attach({ propertyId: a.propertyId, messageId }),
      ))!;
    await admin.query(
      `update conversation.conversations set last_inbound_at = now() - interval '2 days' where id = $1`,
      [conversationId],
    );
    const path = `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/messages`;
    const send = (body: object, token = a.token) =>
      api.request<{ messages: { id: string; content: string; template: object }[] }>('POST', path, {
        token,
        body,
      });

    const freeText = await send({ content: 'Are you still coming?' });
    const unknown = await send({ template: { name: 'spa_offer', language: 'en_US' } });
    const badValue = await send({
      template: {
        name: 'pre_arrival',
        language: 'en_US',
        variables: { guestName: 'Ana\nMaria', arrival: 'Friday' },
      },
    });
    const malformed = await Promise.all([
      send({ template: null }),
      send({ template: [] }),
      send({ template: [{ name: 'pre_arrival' }] }),
      send({
        template: { name: 'pre_arrival', language: 'en_US', variables: { guestName: 7, arrival: 'x' } },
      }),
      send({ content: '', template: { name: 'checkout_thanks' } }),
    ]);
    const extra = await send({
      template: { name: 'checkout_thanks', language: 'en_US', variables: { guestName: 'Ana' } },
    });
    const otherProperty = await send(
      {
        template: {
          name: 'pre_arrival',
          language: 'en_US',
          variables: { guestName: 'Ana', arrival: 'Friday' },
        },
      },
      b.token,
    );
    const sent = await send({
      template: {
        name: 'pre_arrival',
        language: 'en_US',
        variables: { guestName: 'Zoë', arrival: 'Friday 12 May' },
      },
    });
    const before = graph.accepted().length;
    await api.app
      .get(OutboundMessageJob)
      .handle({ propertyId: a.propertyId, messageId: sent.body.messages[0].id });

    expectProblem(freeText, 409, 'whatsapp_window_closed');
    expectProblem(unknown, 422, 'unknown_template');
    expectProblem(badValue, 400, 'validation_failed');
    expectProblem(extra, 400, 'validation_failed');
    for (const res of malformed) expectProblem(res, 400, 'validation_failed');
    expectProblem(otherProperty, 403, 'property_forbidden');
    expect(sent.status).toBe(201);
    expect(sent.body.messages[0].content).toBe(
      'Hello Zoë, we look forward to welcoming you on Friday 12 May! 🌞',
    );
    const sends = graph.accepted().slice(before);
    expect(sends).toHaveLength(1);
    expect(sends[0].body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '351912000003',
      type: 'template',
      template: {
        name: 'pre_arrival',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Zoë' },
              { type: 'text', text: 'Friday 12 May' },
            ],
          },
        ],
      },
    });
    const stored = await admin.query<{ delivery_status: string }>(
      'select delivery_status from conversation.messages where id = $1',
      [sent.body.messages[0].id],
    );
    expect(stored.rows[0].delivery_status).toBe('sent');
  });

  it('sends a template approved with named parameters by name', async () => {
    const acc = await account(a, {
      templates: [
        {
          name: 'late_checkout',
          language: 'en',
          parameterFormat: 'named',
          variables: ['guest_name', 'checkout_time'],
          body: 'Hi {{guest_name}}, your late checkout at {{checkout_time}} is confirmed.',
        },
      ],
    });
    const incoming = textMessage('351912000004', 'Late checkout please');
    await post(notification(acc, { messages: [incoming] }), acc.appSecret);
    const messageId = (
      await admin.query<{ id: string }>(
        'select id from conversation.messages where channel_message_id = $1',
        [incoming.id],
      )
    ).rows[0].id;
    const conversationId = (await api.app
      .get(TenantDb)
      .run({ propertyId: a.propertyId }, () =>
        api.app.get(InboundMessageJob).attach({ propertyId: a.propertyId, messageId }),
      ))!;

    const sent = await api.request<{ messages: { id: string; content: string }[] }>(
      'POST',
      `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/messages`,
      {
        token: a.token,
        body: {
          template: { name: 'late_checkout', variables: { checkout_time: '14:00', guest_name: 'Ana' } },
        },
      },
    );
    const before = graph.accepted().length;
    await api.app
      .get(OutboundMessageJob)
      .handle({ propertyId: a.propertyId, messageId: sent.body.messages[0].id });

    expect(sent.body.messages[0].content).toBe('Hi Ana, your late checkout at 14:00 is confirmed.');
    expect(graph.accepted().slice(before)[0].body.template).toEqual({
      name: 'late_checkout',
      language: { code: 'en' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'guest_name', text: 'Ana' },
            { type: 'text', parameter_name: 'checkout_time', text: '14:00' },
          ],
        },
      ],
    });
  });

  it('validates the templates an account registers', async () => {
    const create = (templates: unknown) =>
      api.request('POST', `/api/v1/properties/${a.propertyId}/channels`, {
        token: a.token,
        body: {
          kind: 'whatsapp_cloud',
          name: 'WhatsApp',
          address: phoneNumberId(),
          credentials: { accessToken: `EAA${hex(20)}`, appSecret: hex(16), verifyToken: `verify-${hex(8)}` },
          settings: { templates },
        },
      });
    const cases: [unknown, RegExp][] = [
      ['pre_arrival', /list of templates/],
      [[{ name: 'Pre Arrival', language: 'en', variables: [] }], /\[0\]\.name/],
      [[{ name: 'x', language: 'english', variables: [] }], /\[0\]\.language/],
      [[{ name: 'x', language: 'en', variables: ['a', 'a'] }], /distinct/],
      [[{ name: 'x', language: 'en', variables: ['a'], body: 'Hi {{2}}' }], /\{\{1\}\} to \{\{1\}\}/],
      [[{ name: 'x', language: 'en', variables: [], contentSid: `HX${hex(16)}` }], /Twilio/],
      [
        [
          { name: 'x', language: 'en', variables: [] },
          { name: 'x', language: 'en', variables: [] },
        ],
        /repeats x in en/,
      ],
      [[{ name: 'x', language: 'en', variables: [], footer: 'hi' }], /unknown field footer/],
      [[{ name: 'x', language: 'en', variables: ['Guest'], parameterFormat: 'named' }], /lower-case/],
      [
        [{ name: 'x', language: 'en', variables: ['guest'], parameterFormat: 'named', body: 'Hi {{1}}' }],
        /\{\{guest\}\}/,
      ],
      [[{ name: 'x', language: 'en', variables: [], parameterFormat: 'numbered' }], /positional or named/],
    ];

    for (const [templates, message] of cases) {
      const res = await create(templates);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body).toMatchObject({
        errors: [{ field: 'settings.templates', message: expect.stringMatching(message) as string }],
      });
    }
  });
});
