import { createHmac, randomBytes } from 'node:crypto';

import { InboundMessageJob, MailgunWebhookController, OutboundMessageJob } from '@app/conversation';
import { TenantDb } from '@app/platform';
import {
  expectProblem,
  type FakeMailgun,
  pool,
  signupTenant,
  startFakeMailgun,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type Pool } from 'pg';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

let api: TestApi;
let mailgun: FakeMailgun;
let admin: Pool;
let a: Tenant;
let b: Tenant;

interface Inbox {
  address: string;
  signingKey: string;
  apiKey: string;
}

async function inbox(t: Tenant): Promise<Inbox> {
  const address = `concierge-${hex(4)}@mg.hotel.test`;
  const credentials = { apiKey: `key-${hex(16)}`, webhookSigningKey: hex(16) };
  mailgun.allow(credentials.apiKey);
  const res = await api.request('POST', `/api/v1/properties/${t.propertyId}/channels`, {
    token: t.token,
    body: {
      kind: 'email_mailgun',
      name: 'Hotel Lisboa',
      address,
      credentials,
      settings: { domain: 'mg.hotel.test' },
    },
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { address, signingKey: credentials.webhookSigningKey, apiKey: credentials.apiKey };
}

function signature(key: string, timestamp = String(Math.floor(Date.now() / 1000)), token = hex(25)) {
  return {
    timestamp,
    token,
    signature: createHmac('sha256', key)
      .update(timestamp + token)
      .digest('hex'),
  };
}

function postForm(fields: Record<string, string>) {
  return api.request<{ status: string }>('POST', '/webhooks/email/mailgun', {
    raw: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const email = (box: Inbox, from: string, text: string, extra: Record<string, string> = {}) => ({
  recipient: box.address,
  sender: from,
  from: `Ana Lima <${from}>`,
  subject: 'Late checkout',
  'body-plain': text,
  'Message-Id': `<${hex(8)}@mail.example.com>`,
  ...extra,
});

const stored = async (id: string) =>
  (
    await admin.query<{
      id: string;
      content: string;
      conversation_id: string | null;
      media: { url: string }[];
    }>(
      'select id, content, conversation_id, media from conversation.messages where channel_message_id = $1',
      [id],
    )
  ).rows;

const count = async (propertyId: string) =>
  (
    await admin.query<{ n: number }>(
      'select count(*)::int as n from conversation.messages where property_id = $1',
      [propertyId],
    )
  ).rows[0].n;

async function process(t: Tenant, messageId: string): Promise<string> {
  return (await api.app
    .get(TenantDb)
    .run({ propertyId: t.propertyId }, () =>
      api.app.get(InboundMessageJob).attach({ propertyId: t.propertyId, messageId }),
    ))!;
}

beforeAll(async () => {
  mailgun = await startFakeMailgun();
  api = await startTestApi({ MAILGUN_API_BASE_URL: mailgun.url });
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'mga');
  b = await signupTenant(api, 'mgb');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
  await mailgun?.close();
});

describe(MailgunWebhookController.name, () => {
  it('stores a signed email once, without the quoted reply and signature', async () => {
    const box = await inbox(a);
    const fields = email(
      box,
      'ana@example.com',
      'Could we leave at 2 pm?\n-- \nAna\n\nOn Mon, Hotel wrote:\n> Dear Ana',
    );

    const first = await postForm({ ...fields, ...signature(box.signingKey) });
    const again = await postForm({ ...fields, ...signature(box.signingKey) });

    expect(first.body).toEqual({ status: 'stored' });
    expect(again.body).toEqual({ status: 'duplicate' });
    const rows = await stored(fields['Message-Id']);
    expect(rows).toHaveLength(1);
    expect(rows[0].content).toBe('Could we leave at 2 pm?');
  });

  it('parses MIME with mailparser and records attachments without keeping them', async () => {
    const box = await inbox(a);
    const messageId = `<${hex(8)}@mail.example.com>`;
    const mime = [
      'From: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>',
      `To: ${box.address}`,
      'Subject: =?UTF-8?Q?Pequeno-almo=C3=A7o?=',
      `Message-ID: ${messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'A que horas =C3=A9 o pequeno-almo=C3=A7o? =F0=9F=A5=90',
      '',
    ].join('\r\n');
    const form = new FormData();
    for (const [k, v] of Object.entries({
      recipient: box.address,
      sender: 'zoe@example.com',
      'body-mime': mime,
      ...signature(box.signingKey),
    }))
      form.append(k, v);
    form.append('attachment-1', new Blob(['%PDF-1.4 fake'], { type: 'application/pdf' }), 'booking.pdf');

    const res = await api.request('POST', '/webhooks/email/mailgun', { form });

    expect(res.status).toBe(200);
    const rows = await stored(messageId);
    expect(rows[0].content).toBe('A que horas é o pequeno-almoço? 🥐');
    expect(rows[0].media).toEqual([
      { type: 'document', url: 'attachment:booking.pdf', mimeType: 'application/pdf', size: 13 },
    ]);
  });

  it('stores nothing without a signature (401), a wrong or stale one, a replayed token (403), or an unknown recipient (404)', async () => {
    const box = await inbox(a);
    const other = await inbox(b);
    const fields = email(box, 'ana@example.com', 'hi');
    const used = signature(box.signingKey);
    await postForm({ ...email(box, 'ana@example.com', 'first'), ...used });
    const before = await count(a.propertyId);

    expectProblem(await postForm(fields), 401, 'signature_missing');
    expectProblem(await postForm({ ...fields, ...signature(other.signingKey) }), 403, 'signature_invalid');
    const stale = signature(box.signingKey, String(Math.floor(Date.now() / 1000) - 301));
    expectProblem(await postForm({ ...fields, ...stale }), 403, 'signature_invalid');
    expectProblem(await postForm({ ...fields, ...used }), 403, 'signature_invalid');
    expectProblem(
      await postForm({
        ...fields,
        recipient: `nobody-${hex(3)}@mg.hotel.test`,
        ...signature(box.signingKey),
      }),
      404,
      'channel_not_found',
    );

    expect(await count(a.propertyId)).toBe(before);
  });

  it('replies in the thread through Mailgun, and the guest’s answer joins the same conversation', async () => {
    const box = await inbox(a);
    const first = email(box, 'rui@example.com', 'Is parking available?');
    await postForm({ ...first, ...signature(box.signingKey) });
    const conversationId = await process(a, (await stored(first['Message-Id']))[0].id);
    const reply = await api.request<{ messages: { id: string }[] }>(
      'POST',
      `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/messages`,
      { token: a.token, body: { content: 'Yes, in the garage.' } },
    );
    await api.app
      .get(OutboundMessageJob)
      .handle({ propertyId: a.propertyId, messageId: reply.body.messages[0].id });
    const sent = mailgun.sends[mailgun.sends.length - 1];

    // The guest answers our email from another address of theirs.
    const answer = email(box, 'rui.work@example.com', 'Great, thanks!', {
      'In-Reply-To': sent.id,
      References: sent.id,
    });
    await postForm({ ...answer, ...signature(box.signingKey) });
    const threaded = await process(a, (await stored(answer['Message-Id']))[0].id);

    expect(sent.params).toMatchObject({
      to: 'rui@example.com',
      from: `"Hotel Lisboa" <${box.address}>`,
      subject: 'Re: Late checkout',
      text: 'Yes, in the garage.',
      'h:In-Reply-To': first['Message-Id'],
    });
    expect(threaded).toBe(conversationId);
  });
});
