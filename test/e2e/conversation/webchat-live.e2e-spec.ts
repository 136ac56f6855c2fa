import { EventsController, OutboundMessageJob, WebchatController } from '@app/conversation';
import { DomainEventJob, type DomainEventPayload } from '@app/platform';
import {
  addStaff,
  expectProblem,
  pool,
  signupTenant,
  startReplica,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type Pool } from 'pg';

const ORIGIN = 'https://www.hotel-lisboa.example';

let api: TestApi;
let replica: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;

interface SseEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Reads a server-sent event stream until `want` events arrived (or the timeout ends it). */
async function readEvents(
  base: string,
  path: string,
  headers: Record<string, string>,
  want: number,
  start?: () => Promise<unknown>,
) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(`${base}${path}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    if (res.status !== 200) return { status: res.status, events };
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let buffer = '';
    let started = false;
    while (events.length < want) {
      const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (chunk.done) break;
      buffer += new TextDecoder().decode(chunk.value);
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type === 'ping') continue;
        events.push({ type, data: data ? (JSON.parse(data) as Record<string, unknown>) : {} });
        if (type === 'ready' && !started && start) {
          started = true;
          await start();
        }
      }
    }
    return { status: 200, events };
  } catch {
    return { status: 0, events };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

async function widget(t: Tenant, origins = [ORIGIN]): Promise<string> {
  const res = await api.request<{ address: string }>('POST', `/api/v1/properties/${t.propertyId}/channels`, {
    token: t.token,
    body: { kind: 'webchat', name: 'Web chat', settings: { allowedOrigins: origins } },
  });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.address;
}

const open = (widgetKey: string, origin = ORIGIN) =>
  api.request<{ token: string; sessionId: string }>('POST', '/api/v1/webchat/sessions', {
    body: { widgetKey },
    headers: { origin },
  });

const say = (token: string, content: string) =>
  api.request<{ id: string }>('POST', '/api/v1/webchat/messages', { token, body: { content } });

beforeAll(async () => {
  api = await startTestApi();
  replica = await startReplica(api);
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'wca');
  b = await signupTenant(api, 'wcb');
});

afterAll(async () => {
  await admin?.end();
  await replica?.close();
  await api?.close();
});

describe(WebchatController.name, () => {
  it('opens a session only from an allowed origin, and puts its messages in the inbox', async () => {
    const key = await widget(a);

    const refused = await open(key, 'https://evil.example');
    const session = await open(key);
    const sent = await say(session.body.token, 'Hello! Is the pool open?');

    expectProblem(refused, 403, 'origin_not_allowed');
    expect(session.status).toBe(201);
    expect(sent.status).toBe(201);
    const inbox = await api.request<{ items: { id: string; channelType: string; unreadCount: number }[] }>(
      'GET',
      `/api/v1/properties/${a.propertyId}/conversations?channel=webchat`,
      { token: a.token },
    );
    expect(inbox.body.items[0]).toMatchObject({ channelType: 'webchat', unreadCount: 1 });
    const stored = await admin.query<{ token_hash: Buffer }>(
      'select token_hash from platform.webchat_tokens',
    );
    expect(stored.rows.some((r) => r.token_hash.toString('utf8').includes(session.body.token))).toBe(false);
  });

  it('refuses unknown tokens, messages over 5,000 characters and the 11th message in a minute', async () => {
    const session = await open(await widget(a));

    expectProblem(await say('wcs_not-a-session', 'hi'), 401, 'session_invalid');
    expectProblem(await say(session.body.token, 'x'.repeat(5001)), 400, 'validation_failed');
    for (let i = 0; i < 10; i++) expect((await say(session.body.token, `m${i}`)).status).toBe(201);
    const limited = await replica.request('POST', '/api/v1/webchat/messages', {
      token: session.body.token,
      body: { content: 'one too many' },
    });
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('answers CORS preflights for the widget routes only', async () => {
    const preflight = (path: string) =>
      fetch(`${api.baseUrl}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });

    const widgetRoute = await preflight('/api/v1/webchat/sessions');
    const staffRoute = await preflight('/api/v1/auth/login');

    expect(widgetRoute.status).toBe(204);
    expect(widgetRoute.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(staffRoute.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('starts a new conversation when the visitor writes after staff closed theirs', async () => {
    const session = await open(await widget(a));
    await say(session.body.token, 'first');
    const first = (
      await admin.query<{ conversation_id: string }>(
        'select conversation_id from conversation.webchat_sessions where id = $1',
        [session.body.sessionId],
      )
    ).rows[0].conversation_id;
    await api.request('POST', `/api/v1/properties/${a.propertyId}/conversations/${first}/close`, {
      token: a.token,
    });

    await say(session.body.token, 'one more thing');

    const second = (
      await admin.query<{ conversation_id: string }>(
        'select conversation_id from conversation.webchat_sessions where id = $1',
        [session.body.sessionId],
      )
    ).rows[0].conversation_id;
    expect(second).not.toBe(first);
    const conv = await api.request<{ state: string; unreadCount: number }>(
      'GET',
      `/api/v1/properties/${a.propertyId}/conversations/${second}`,
      { token: a.token },
    );
    expect(conv.body).toMatchObject({ state: 'new', unreadCount: 1 });
  });

  it('limits how many sessions one client opens per minute', async () => {
    const key = await widget(a);
    // The limit counts per clock minute: the 21 requests must fall within one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await open(key)).status);

    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("streams a staff reply to the visitor's session, served by another replica", async () => {
    const session = await open(await widget(a));
    await say(session.body.token, 'Can I get a taxi at 8?');
    const conversationId = (
      await admin.query<{ conversation_id: string }>(
        'select conversation_id from conversation.webchat_sessions where id = $1',
        [session.body.sessionId],
      )
    ).rows[0].conversation_id;

    const stream = await readEvents(
      replica.baseUrl,
      `/api/v1/webchat/events?token=${session.body.token}`,
      {},
      2,
      async () => {
        const reply = await api.request<{ messages: { id: string }[] }>(
          'POST',
          `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/messages`,
          { token: a.token, body: { content: 'Booked for 8:00.' } },
        );
        await api.app
          .get(OutboundMessageJob)
          .handle({ propertyId: a.propertyId, messageId: reply.body.messages[0].id });
      },
    );

    expect(stream.events.map((e) => e.type)).toEqual(['ready', 'message']);
    expect(stream.events[1].data).toMatchObject({ content: 'Booked for 8:00.' });
  });
});

describe('typing state', () => {
  it('shows the visitor staff typing, and staff the visitor typing (coalesced), on every replica', async () => {
    const session = await open(await widget(a));
    await say(session.body.token, 'Is breakfast included?');
    const conversationId = (
      await admin.query<{ conversation_id: string }>(
        'select conversation_id from conversation.webchat_sessions where id = $1',
        [session.body.sessionId],
      )
    ).rows[0].conversation_id;
    const staffTyping = () =>
      api.request('POST', `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/typing`, {
        token: a.token,
      });
    const guestTyping = () => api.request('POST', '/api/v1/webchat/typing', { token: session.body.token });
    const statuses: number[] = [];

    const visitor = await readEvents(
      replica.baseUrl,
      `/api/v1/webchat/events?token=${session.body.token}`,
      {},
      2,
      async () => void statuses.push((await staffTyping()).status),
    );
    const staff = await readEvents(
      replica.baseUrl,
      `/api/v1/properties/${a.propertyId}/events`,
      { authorization: `Bearer ${a.token}` },
      3,
      async () => {
        statuses.push((await guestTyping()).status, (await guestTyping()).status); // second one coalesced
        statuses.push((await staffTyping()).status);
      },
    );

    expect(statuses).toEqual([204, 204, 204, 204]);
    expect(visitor.events).toEqual([
      { type: 'ready', data: { topic: 'webchat' } },
      { type: 'typing', data: { sender: 'staff' } },
    ]);
    expect(staff.events.map((e) => [e.type, e.data.sender])).toEqual([
      ['ready', undefined],
      ['conversation.typing', 'guest'],
      ['conversation.typing', 'staff'],
    ]);
    expect(staff.events[1].data).toMatchObject({ conversationId });
    expectProblem(
      await api.request('POST', '/api/v1/webchat/typing', { token: 'wcs_nope' }),
      401,
      'session_invalid',
    );
    expectProblem(
      await api.request('POST', `/api/v1/properties/${a.propertyId}/conversations/${conversationId}/typing`, {
        token: b.token,
      }),
      403,
      'property_forbidden',
    );
    expectProblem(
      await api.request('POST', `/api/v1/properties/${b.propertyId}/conversations/${conversationId}/typing`, {
        token: b.token,
      }),
      404,
      'conversation_not_found',
    );
  });
});

describe(EventsController.name, () => {
  it("pushes the property's committed events to staff on every replica, and nothing of other properties", async () => {
    const session = await open(await widget(a));
    const otherSession = await open(await widget(b));
    const event = (propertyId: string, type: string): DomainEventPayload => ({
      propertyId,
      eventId: crypto.randomUUID(),
      type,
      data: { conversationId: 'c', messageId: 'm' },
      occurredAt: new Date().toISOString(),
    });

    const stream = await readEvents(
      replica.baseUrl,
      `/api/v1/properties/${a.propertyId}/events`,
      { authorization: `Bearer ${a.token}` },
      3,
      async () => {
        // What the worker does when it takes the outbox rows: dispatch through the domain event bus.
        const job = api.app.get(DomainEventJob);
        await job.handle(event(b.propertyId, 'message.created'));
        await job.handle(event(a.propertyId, 'guest.updated')); // not a live event
        await job.handle(event(a.propertyId, 'message.created'));
        await job.handle(event(a.propertyId, 'conversation.updated'));
      },
    );

    expect([session.status, otherSession.status]).toEqual([201, 201]);
    expect(stream.events.map((e) => e.type)).toEqual(['ready', 'message.created', 'conversation.updated']);
    expect(stream.events[1].data).toMatchObject({ conversationId: 'c', messageId: 'm' });
  });

  it('refuses staff without inbox access and another property', async () => {
    const housekeeping = await addStaff(api, a, 'housekeeping');

    const denied = await readEvents(
      api.baseUrl,
      `/api/v1/properties/${a.propertyId}/events`,
      { authorization: `Bearer ${housekeeping.token}` },
      1,
    );
    const other = await readEvents(
      api.baseUrl,
      `/api/v1/properties/${a.propertyId}/events`,
      { authorization: `Bearer ${b.token}` },
      1,
    );

    expect(denied.status).toBe(403);
    expect(other.status).toBe(403);
  });
});
