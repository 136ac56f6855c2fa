/**
 * Fixtures of the concierge's end-to-end tests: a hotel with an SMS line and two knowledge
 * entries, a guest in house, a guest SMS run through the inbound job and the concierge as the
 * worker would, and readers of traces, replies and conversations.
 */
import { randomBytes } from 'node:crypto';

import { ConciergePipeline } from '@app/concierge';
import { InboundMessageJob, twilioSignature } from '@app/conversation';
import { EmbedEntryJob } from '@app/knowledge';
import { TenantDb } from '@app/platform';
import { signupTenant, type Tenant, type TestApi } from '@app/testing';
import { DateTime } from 'luxon';
import { type Pool } from 'pg';

export const PUBLIC_BASE_URL = 'https://butler.example.com';
export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const freshNumber = () =>
  `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;

export interface Hotel {
  t: Tenant;
  number: string;
  authToken: string;
}
export interface Trace {
  intent: string;
  confidence: number;
  outcome: string;
  rule: string;
  reason: string | null;
  language: string;
  entities: Record<string, unknown>;
  knowledgeAnswered: boolean | null;
  taskId: string | null;
  approvalId: string | null;
  replyMessageId: string | null;
  latencies: Record<string, number>;
  memoryHits: Record<string, unknown>[];
  engine: string;
}
export interface Approval {
  id: string;
  status: string;
  kind: string;
  intent: string;
  actionType: string;
  guestMessage: string;
  reply: { content: string } | null;
  task: { department: string; roomNumber: string | null; description: string } | null;
  result: Record<string, string> | null;
}

let api: TestApi;
let admin: Pool;

/** The api and the admin pool the fixtures use (call in beforeAll). */
export function useConciergeFixtures(world: { api: TestApi; admin: Pool }): void {
  ({ api, admin } = world);
}

export async function hotel(label: string): Promise<Hotel> {
  const t = await signupTenant(api, label);
  const authToken = hex(16);
  const number = freshNumber();
  const res = await api.request('POST', `/api/v1/properties/${t.propertyId}/channels`, {
    token: t.token,
    body: {
      kind: 'twilio_sms',
      name: 'Guest line',
      address: number,
      credentials: { accountSid: `AC${hex(16)}`, authToken },
    },
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  for (const entry of [
    {
      category: 'amenity',
      title: 'Wifi',
      content:
        'The wifi network is "Harbour-Guest" and the password is seabreeze2026. It is free in all rooms.',
      keywords: ['wifi', 'internet', 'password'],
    },
    {
      category: 'dining',
      title: 'Breakfast',
      content: 'Breakfast is served from 07:00 to 10:30 in the Atrium on the ground floor.',
      keywords: ['breakfast'],
    },
  ]) {
    const e = await api.request<{ id: string }>('POST', `/api/v1/properties/${t.propertyId}/knowledge`, {
      token: t.token,
      body: entry,
    });
    if (e.status !== 201) throw new Error(`knowledge: ${e.status}`);
    await api.app.get(EmbedEntryJob).handle({ propertyId: t.propertyId, entryId: e.body.id });
  }
  return { t, number, authToken };
}

/** A guest with a stay under way in `room`. */
export async function guestInHouse(
  h: Hotel,
  room: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const phone = freshNumber();
  const g = await api.request<{ id: string }>('POST', `/api/v1/properties/${h.t.propertyId}/guests`, {
    token: h.t.token,
    body: { firstName: 'Ana', lastName: 'Silva', phone, ...extra },
  });
  if (g.status !== 201) throw new Error(`guest: ${g.status} ${JSON.stringify(g.body)}`);
  const today = DateTime.now().toISODate();
  const r = await api.request('POST', `/api/v1/properties/${h.t.propertyId}/reservations`, {
    token: h.t.token,
    body: {
      guestId: g.body.id,
      confirmationNumber: `C-${hex(4)}`,
      roomNumber: room,
      roomType: 'Deluxe Double',
      arrivalDate: DateTime.now().minus({ days: 1 }).toISODate(),
      departureDate: DateTime.fromISO(today).plus({ days: 3 }).toISODate()!,
    },
  });
  if (r.status !== 201) throw new Error(`reservation: ${r.status} ${JSON.stringify(r.body)}`);
  lastReservationId = (r.body as { id: string }).id;
  return phone;
}
let lastReservationId = '';
/** The reservation guestInHouse made last. */
export const lastReservation = () => lastReservationId;

/** A guest's SMS, received (stored by the webhook, not yet processed); its message id. */
export async function receive(h: Hotel, from: string, body: string): Promise<string> {
  const path = '/webhooks/twilio/messages';
  const params = {
    MessageSid: `SM${hex(16)}`,
    AccountSid: `AC${hex(16)}`,
    From: from,
    To: h.number,
    Body: body,
    NumMedia: '0',
  };
  const res = await api.request('POST', path, {
    raw: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(h.authToken, `${PUBLIC_BASE_URL}${path}`, params),
    },
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status}`);
  const row = await admin.query<{ id: string }>(
    'select id from conversation.messages where channel_message_id = $1',
    [params.MessageSid],
  );
  return row.rows[0].id;
}

/** A guest's SMS, received, attached to its conversation and run through the concierge as the worker would. */
export async function sms(
  h: Hotel,
  from: string,
  body: string,
): Promise<{ messageId: string; conversationId: string }> {
  const messageId = await receive(h, from, body);
  const propertyId = h.t.propertyId;
  const db = api.app.get(TenantDb);
  const conversationId = (await db.run({ propertyId }, () =>
    api.app.get(InboundMessageJob).attach({ propertyId, messageId }),
  ))!;
  await process(h, messageId);
  return { messageId, conversationId };
}

export const process = (h: Hotel, messageId: string) =>
  api.app.get(ConciergePipeline).process(h.t.propertyId, messageId);

export const trace = (h: Hotel, m: { messageId: string; conversationId: string }, token = h.t.token) =>
  api.request<Trace>(
    'GET',
    `/api/v1/properties/${h.t.propertyId}/conversations/${m.conversationId}/messages/${m.messageId}/trace`,
    { token },
  );

export async function traced(h: Hotel, m: { messageId: string; conversationId: string }): Promise<Trace> {
  const res = await trace(h, m);
  if (res.status !== 200) throw new Error(`trace: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function aiReplies(conversationId: string): Promise<{ content: string; intent: string }[]> {
  const r = await admin.query<{ content: string; intent: string }>(
    `select content, intent from conversation.messages
      where conversation_id = $1 and direction = 'outbound' and sender_type = 'ai' order by created_at, id`,
    [conversationId],
  );
  return r.rows;
}

export async function conversation(id: string) {
  const r = await admin.query<{
    state: string;
    priority: string;
    guest_language: string;
    metadata: Record<string, unknown>;
  }>('select state, priority, guest_language, metadata from conversation.conversations where id = $1', [id]);
  return r.rows[0];
}

export const policyPath = (h: Hotel) => `/api/v1/properties/${h.t.propertyId}/ai-policy`;

export async function setPolicy(h: Hotel, change: Record<string, unknown>) {
  const current = await api.request<{ version: number }>('GET', policyPath(h), { token: h.t.token });
  const res = await api.request('PUT', policyPath(h), {
    token: h.t.token,
    body: { version: current.body.version, ...change },
  });
  if (res.status !== 200) throw new Error(`policy: ${res.status} ${JSON.stringify(res.body)}`);
}
