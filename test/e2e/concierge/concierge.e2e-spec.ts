import { ConciergeClock, ConciergePipeline, TaskNoticeJob } from '@app/concierge';
import { InboundMessageJob } from '@app/conversation';
import { GuestDirectory } from '@app/guest';
import { DeferJob, DomainEventJob, type DomainEventPayload, TenantDb } from '@app/platform';
import { StayLookup } from '@app/reservation';
import { addStaff, expectProblem, pool, startTestApi, type TestApi } from '@app/testing';
import { DateTime } from 'luxon';
import { type Pool } from 'pg';

import {
  aiReplies,
  type Approval,
  conversation,
  freshNumber,
  guestInHouse,
  type Hotel,
  hotel,
  lastReservation,
  policyPath,
  process,
  PUBLIC_BASE_URL,
  receive,
  setPolicy,
  sms,
  trace,
  traced,
  useConciergeFixtures,
} from './concierge-fixtures';

let api: TestApi;
let admin: Pool;
let a: Hotel;
let b: Hotel;

beforeAll(async () => {
  api = await startTestApi({ PUBLIC_BASE_URL });
  admin = pool(api.db.adminUrl, { max: 2 });
  useConciergeFixtures({ api, admin });
  a = await hotel('cga');
  b = await hotel('cgb');
});

const traceCount = async (messageId: string) =>
  (
    await admin.query<{ n: number }>(
      'select count(*)::int as n from concierge.decision_traces where message_id = $1',
      [messageId],
    )
  ).rows[0].n;

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(ConciergePipeline.name, () => {
  describe('requests', () => {
    it('turns "two more towels" into a housekeeping task for the guest’s room and says what will happen', async () => {
      const phone = await guestInHouse(a, '204');
      const m = await sms(a, phone, 'Hi! Could we get two more towels please?');
      const t = await traced(a, m);
      expect(t).toMatchObject({
        intent: 'request.towels',
        outcome: 'task_created',
        rule: 'task_l2',
        engine: 'builtin',
      });
      expect(t.entities.items).toEqual([{ item: 'towel', quantity: 2 }]);
      const task = await admin.query(
        'select department, room_number, items, source, conversation_id, message_id, status from operations.tasks where id = $1',
        [t.taskId],
      );
      expect(task.rows[0]).toMatchObject({
        department: 'housekeeping',
        room_number: '204',
        items: [{ item: 'towel', quantity: 2 }],
        source: 'auto',
        conversation_id: m.conversationId,
        message_id: m.messageId,
        status: 'pending',
      });
      expect(await aiReplies(m.conversationId)).toEqual([
        {
          content: 'I have asked our housekeeping team to bring 2 towels to room 204.',
          intent: 'concierge.confirmation',
        },
      ]);
      const stored = await admin.query<{ intent: string; confidence: string }>(
        'select intent, confidence from conversation.messages where id = $1',
        [m.messageId],
      );
      expect(stored.rows[0].intent).toBe('request.towels');
      expect(Number(stored.rows[0].confidence)).toBeGreaterThanOrEqual(0.7);
      expect(Object.keys(t.latencies)).toEqual(
        expect.arrayContaining(['gather', 'understand', 'retrieve', 'decide', 'act', 'total']),
      );
    });

    it('processes a message once, however often its job runs', async () => {
      const phone = await guestInHouse(a, '305');
      const m = await sms(a, phone, 'The air conditioning is not working');
      expect(await process(a, m.messageId)).toBeUndefined();
      const tasks = await admin.query<{ n: number }>(
        'select count(*)::int as n from operations.tasks where message_id = $1',
        [m.messageId],
      );
      expect(tasks.rows[0].n).toBe(1);
      expect(await aiReplies(m.conversationId)).toHaveLength(1);
      expect((await traced(a, m)).outcome).toBe('task_created');
    });

    it('runs a received message through the concierge in its inbound job; a retry after the first step finishes the second', async () => {
      const phone = await guestInHouse(a, '306');
      const job = api.app.get(InboundMessageJob);
      const propertyId = a.t.propertyId;
      const messageId = await receive(a, phone, 'Could we get two more pillows please?');
      // An attempt that attached the message and died before the concierge had it.
      const conversationId = (await api.app
        .get(TenantDb)
        .run({ propertyId }, () => job.attach({ propertyId, messageId })))!;
      expect(await traceCount(messageId)).toBe(0);

      expect(await job.handle({ propertyId, messageId })).toBe('task_created (task_l2)');
      expect(await job.handle({ propertyId, messageId })).toBe('skipped');

      expect(await traceCount(messageId)).toBe(1);
      expect(await aiReplies(conversationId)).toHaveLength(1);
      const tasks = await admin.query<{ n: number }>(
        'select count(*)::int as n from operations.tasks where message_id = $1',
        [messageId],
      );
      expect(tasks.rows[0].n).toBe(1);
    });

    /** The guest (and stay) a message's conversation has, and the guest its decision trace names. */
    const guestsOf = async (messageId: string) =>
      (
        await admin.query<{
          conversation_id: string;
          conversation_guest: string;
          conversation_reservation: string | null;
          trace_guest: string;
        }>(
          `select m.conversation_id, c.guest_id as conversation_guest,
                  c.reservation_id as conversation_reservation, t.guest_id as trace_guest
             from conversation.messages m
             join conversation.conversations c on c.id = m.conversation_id
             join concierge.decision_traces t on t.message_id = m.id
            where m.id = $1`,
          [messageId],
        )
      ).rows[0];

    it("acts on a first message in its inbound job with the guest's stay, the conversation made in the same transaction", async () => {
      const phone = await guestInHouse(a, '307');
      const propertyId = a.t.propertyId;
      const messageId = await receive(a, phone, 'Could we get two more towels please?');

      expect(await api.app.get(InboundMessageJob).handle({ propertyId, messageId })).toBe(
        'task_created (task_l2)',
      );

      const seen = await guestsOf(messageId);
      expect(seen.trace_guest).toBe(seen.conversation_guest);
      expect(seen.conversation_reservation).toBe(lastReservation());
      const t = await traced(a, { messageId, conversationId: seen.conversation_id });
      expect(t.memoryHits).toEqual(expect.arrayContaining([expect.objectContaining({ room: '307' })]));
      expect(await aiReplies(seen.conversation_id)).toEqual([
        expect.objectContaining({
          content: 'I have asked our housekeeping team to bring 2 towels to room 307.',
        }),
      ]);
    });

    it.each([
      ['names another guest', false],
      ["carries another guest's profile and stays", true],
    ])("reads the conversation's own guest when the attaching job's hint %s", async (_, withReads) => {
      const other = await sms(a, await guestInHouse(a, '309', { loyaltyTier: 'Gold' }), 'Hello');
      const otherGuest = (await guestsOf(other.messageId)).conversation_guest;
      const propertyId = a.t.propertyId;
      const messageId = await receive(
        a,
        await guestInHouse(a, '308'),
        'Could we get two more towels please?',
      );
      const db = api.app.get(TenantDb);
      await db.run({ propertyId }, () => api.app.get(InboundMessageJob).attach({ propertyId, messageId }));
      const hint = await db.run({ propertyId }, async () => ({
        guestId: otherGuest,
        opened: withReads
          ? {
              conversationId: (await guestsOf(other.messageId)).conversation_id,
              profile: (await api.app.get(GuestDirectory).profile(otherGuest))!,
              stays: await api.app.get(StayLookup).staysOf(otherGuest),
            }
          : undefined,
      }));
      expect(hint.opened?.stays.current?.roomNumber ?? '309').toBe('309');

      await api.app.get(ConciergePipeline).runWithin(propertyId, messageId, hint);

      const seen = await guestsOf(messageId);
      expect(seen.trace_guest).toBe(seen.conversation_guest);
      expect(seen.trace_guest).not.toBe(otherGuest);
      const t = await traced(a, { messageId, conversationId: seen.conversation_id });
      expect(t.memoryHits).toEqual(expect.arrayContaining([expect.objectContaining({ room: '308' })]));
      expect(t.memoryHits).not.toEqual(expect.arrayContaining([expect.objectContaining({ room: '309' })]));
      expect(t.memoryHits).not.toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'tier' })]));
    });

    it("reads the guest's stays again when the attaching job read them for another date", async () => {
      const propertyId = a.t.propertyId;
      const messageId = await receive(
        a,
        await guestInHouse(a, '312'),
        'Could we get two more towels please?',
      );
      const db = api.app.get(TenantDb);
      await db.run({ propertyId }, () => api.app.get(InboundMessageJob).attach({ propertyId, messageId }));
      const {
        rows: [{ guest_id: guestId, conversation_id: conversationId }],
      } = await admin.query<{ guest_id: string; conversation_id: string }>(
        `select c.guest_id, m.conversation_id from conversation.messages m
           join conversation.conversations c on c.id = m.conversation_id where m.id = $1`,
        [messageId],
      );
      const hint = await db.run({ propertyId }, async () => {
        const stays = await api.app.get(StayLookup).staysOf(guestId);
        const stale = { ...stays.current!, roomNumber: '999' };
        return {
          guestId,
          opened: {
            conversationId,
            profile: (await api.app.get(GuestDirectory).profile(guestId))!,
            stays: { on: '2001-01-01', current: stale, next: null },
          },
        };
      });

      await api.app.get(ConciergePipeline).runWithin(propertyId, messageId, hint);

      const t = await traced(a, { messageId, conversationId });
      expect(t.memoryHits).toEqual(expect.arrayContaining([expect.objectContaining({ room: '312' })]));
      expect(t.memoryHits).not.toEqual(expect.arrayContaining([expect.objectContaining({ room: '999' })]));
    });

    it('leaves SMS keywords (STOP) to the channel rules, also when the inbound job runs again', async () => {
      const job = api.app.get(InboundMessageJob);
      const propertyId = a.t.propertyId;
      const messageId = await receive(a, freshNumber(), 'STOP');

      expect(await job.handle({ propertyId, messageId })).toBe('attached');
      expect(await job.handle({ propertyId, messageId })).toBe('attached');
      expect(await traceCount(messageId)).toBe(0);
    });

    it('asks staff to verify a guest with no stay instead of creating a task', async () => {
      const m = await sms(a, freshNumber(), 'Can you send 2 pillows to my room?');
      const t = await traced(a, m);
      expect(t).toMatchObject({ outcome: 'escalated', reason: 'identity_unverified', taskId: null });
      expect((await conversation(m.conversationId)).state).toBe('escalated');
      expect((await aiReplies(m.conversationId))[0].intent).toBe('concierge.holding');
    });
  });

  describe('answers', () => {
    it('answers a Spanish question from English knowledge, in the knowledge’s words', async () => {
      const phone = await guestInHouse(a, '118');
      const m = await sms(a, phone, '¿Cuál es la contraseña del wifi?');
      const t = await traced(a, m);
      expect(t).toMatchObject({
        intent: 'inquiry.wifi',
        language: 'es',
        outcome: 'auto_replied',
        knowledgeAnswered: true,
      });
      const [reply] = await aiReplies(m.conversationId);
      expect(reply.content).toContain('seabreeze2026');
      expect((await conversation(m.conversationId)).guest_language).toBe('es');
    });

    it('greets in the guest’s language', async () => {
      const m = await sms(a, freshNumber(), 'Bonjour !');
      expect((await traced(a, m)).outcome).toBe('auto_replied');
      expect((await aiReplies(m.conversationId))[0].content).toMatch(
        /^Bonjour ! Je suis le concierge virtuel/,
      );
    });

    it('escalates a question the knowledge cannot answer, with a holding line', async () => {
      const phone = await guestInHouse(a, '119');
      const m = await sms(a, phone, 'Are dogs allowed in the hotel?');
      const t = await traced(a, m);
      expect(t).toMatchObject({
        intent: 'inquiry.pets',
        outcome: 'escalated',
        reason: 'no_knowledge',
        knowledgeAnswered: false,
      });
      expect((await aiReplies(m.conversationId))[0].intent).toBe('concierge.holding');
    });
  });

  describe('escalation', () => {
    it('raises an emergency as urgent and tells the guest to call for help', async () => {
      const phone = await guestInHouse(a, '220');
      const m = await sms(
        a,
        phone,
        'There is smoke coming from the room next door, I think there is a fire!',
      );
      const t = await traced(a, m);
      expect(t).toMatchObject({ intent: 'emergency', outcome: 'escalated', reason: 'emergency' });
      const c = await conversation(m.conversationId);
      expect(c).toMatchObject({ state: 'escalated', priority: 'urgent' });
      expect(c.metadata.escalation).toMatchObject({ reason: 'emergency', department: 'security' });
      const [reply] = await aiReplies(m.conversationId);
      expect(reply).toMatchObject({ intent: 'concierge.emergency' });
      expect(reply.content).toContain('112');
    });

    it('hands refunds to staff and never sends two holding lines in a row', async () => {
      const phone = await guestInHouse(a, '221');
      const first = await sms(a, phone, 'I want a refund for last night, the room was not cleaned');
      const second = await sms(a, phone, 'I also need to talk to a manager');
      expect(await traced(a, first)).toMatchObject({ outcome: 'escalated', reason: 'restricted_topic' });
      expect(await traced(a, second)).toMatchObject({ outcome: 'escalated' });
      const replies = await aiReplies(first.conversationId);
      expect(replies).toHaveLength(1);
      expect(replies[0].intent).toBe('concierge.holding');
      expect((await conversation(first.conversationId)).priority).toBe('high');
    });

    it('escalates the same question asked three times', async () => {
      const phone = await guestInHouse(a, '222');
      let last = await sms(a, phone, 'what is the wifi password?');
      last = await sms(a, phone, 'wifi password?');
      last = await sms(a, phone, 'what is the wifi password??');
      expect(await traced(a, last)).toMatchObject({ outcome: 'escalated', reason: 'repeated_question' });
    });
  });

  describe('staff win', () => {
    it('keeps quiet when the AI is paused, but still raises an emergency', async () => {
      const phone = await guestInHouse(a, '230');
      const first = await sms(a, phone, 'Hello');
      const paused = await api.request(
        'POST',
        `/api/v1/properties/${a.t.propertyId}/conversations/${first.conversationId}/ai-mode`,
        { token: a.t.token, body: { mode: 'paused' } },
      );
      expect(paused.status).toBe(200);
      const quiet = await sms(a, phone, 'Two towels please');
      expect(await traced(a, quiet)).toMatchObject({ outcome: 'ignored', rule: 'ai_paused', taskId: null });
      const fire = await sms(a, phone, 'FIRE in the corridor!!');
      expect(await traced(a, fire)).toMatchObject({
        outcome: 'escalated',
        reason: 'emergency',
        replyMessageId: null,
      });
      expect(await aiReplies(first.conversationId)).toHaveLength(1); // only the greeting, before the pause
    });

    it('keeps quiet for a while after a staff reply', async () => {
      const phone = await guestInHouse(a, '231');
      const first = await sms(a, phone, 'Hello');
      await api.request(
        'POST',
        `/api/v1/properties/${a.t.propertyId}/conversations/${first.conversationId}/ai-mode`,
        {
          token: a.t.token,
          body: { mode: 'auto' },
        },
      );
      await admin.query(
        `insert into conversation.messages (property_id, channel_account_id, conversation_id, direction, sender_type,
                content, delivery_status)
         select property_id, channel_account_id, id, 'outbound', 'staff', 'Hi Ana, I am on it', 'sent'
           from conversation.conversations where id = $1`,
        [first.conversationId],
      );
      const m = await sms(a, phone, 'Two towels please');
      expect(await traced(a, m)).toMatchObject({ outcome: 'ignored', rule: 'staff_active' });
    });
  });

  describe('approvals', () => {
    const approvals = (h: Hotel, token = h.t.token, query = '') =>
      api.request<{ items: Approval[] }>('GET', `/api/v1/properties/${h.t.propertyId}/approvals${query}`, {
        token,
      });

    it('queues a late check-out for approval, and an approval runs exactly once under concurrent clicks', async () => {
      const phone = await guestInHouse(a, '240');
      const m = await sms(a, phone, 'Could we have a late checkout at 2pm tomorrow?');
      const t = await traced(a, m);
      expect(t).toMatchObject({
        intent: 'request.late_checkout',
        outcome: 'queued_for_approval',
        rule: 'autonomy_l1',
        taskId: null,
      });
      expect((await aiReplies(m.conversationId)).map((r) => r.intent)).toEqual(['concierge.holding']);
      const list = await approvals(a);
      const pending = list.body.items.find((x) => x.id === t.approvalId)!;
      expect(pending).toMatchObject({
        status: 'pending',
        kind: 'task',
        actionType: 'late_checkout',
        guestMessage: 'Could we have a late checkout at 2pm tomorrow?',
      });
      expect(pending.task).toMatchObject({ department: 'front_desk', roomNumber: '240' });

      const approve = () =>
        api.request<Approval>(
          'POST',
          `/api/v1/properties/${a.t.propertyId}/approvals/${t.approvalId}/approve`,
          {
            token: a.t.token,
            body: { reply: 'Late check-out at 14:00 is confirmed. Enjoy your stay!' },
          },
        );
      const results = await Promise.all([approve(), approve(), approve()]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      for (const r of results.filter((x) => x.status === 409))
        expectProblem(r, 409, 'approval_already_decided');
      const tasks = await admin.query<{ department: string; created_by: string }>(
        'select department, created_by from operations.tasks where message_id = $1',
        [m.messageId],
      );
      expect(tasks.rows).toHaveLength(1);
      expect(tasks.rows[0].department).toBe('front_desk');
      const replies = await aiReplies(m.conversationId);
      expect(replies.map((r) => r.content)).toEqual([
        expect.any(String),
        'Late check-out at 14:00 is confirmed. Enjoy your stay!',
      ]);
      const done = results.find((r) => r.status === 200)!.body;
      expect(done.status).toBe('approved');
      expect(Object.keys(done.result ?? {}).sort()).toEqual(['messageId', 'taskId']);
      const audit = await admin.query<{ n: number }>(
        `select count(*)::int as n from compliance.audit_log where action = 'approval.approve' and resource_id = $1`,
        [t.approvalId],
      );
      expect(audit.rows[0].n).toBeGreaterThanOrEqual(1);
    });

    it('rejects only with a reason, does nothing and hands the conversation to staff', async () => {
      const phone = await guestInHouse(a, '241');
      const m = await sms(a, phone, 'Can I move to another room? This one faces the street.');
      const t = await traced(a, m);
      expect(t).toMatchObject({ intent: 'request.room_change', outcome: 'queued_for_approval' });
      const path = `/api/v1/properties/${a.t.propertyId}/approvals/${t.approvalId}/reject`;
      expectProblem(
        await api.request('POST', path, { token: a.t.token, body: {} }),
        400,
        'validation_failed',
      );
      expectProblem(
        await api.request('POST', path, { token: a.t.token, body: { reason: '  ' } }),
        400,
        'validation_failed',
      );
      const res = await api.request<Approval>('POST', path, {
        token: a.t.token,
        body: { reason: 'Hotel is full tonight' },
      });
      expect(res.body).toMatchObject({ status: 'rejected' });
      expect((await conversation(m.conversationId)).state).toBe('escalated');
      const tasks = await admin.query<{ n: number }>(
        'select count(*)::int as n from operations.tasks where message_id = $1',
        [m.messageId],
      );
      expect(tasks.rows[0].n).toBe(0);
      expectProblem(
        await api.request('POST', path, { token: a.t.token, body: { reason: 'again' } }),
        409,
        'approval_already_decided',
      );
    });

    it('lets housekeeping staff neither see nor decide approvals', async () => {
      const hk = await addStaff(api, a.t, 'housekeeping');
      expectProblem(await approvals(a, hk.token), 403, 'forbidden');
    });

    it('keeps approvals to their property', async () => {
      const phone = await guestInHouse(a, '242');
      const m = await sms(a, phone, 'I would like a late check out please');
      const t = await traced(a, m);
      expect((await approvals(b, b.t.token)).body.items.some((x) => x.id === t.approvalId)).toBe(false);
      expectProblem(
        await api.request('POST', `/api/v1/properties/${b.t.propertyId}/approvals/${t.approvalId}/approve`, {
          token: b.t.token,
          body: {},
        }),
        404,
        'approval_not_found',
      );
      expectProblem(
        await api.request('POST', `/api/v1/properties/${a.t.propertyId}/approvals/${t.approvalId}/approve`, {
          token: b.t.token,
          body: {},
        }),
        403,
        'property_forbidden',
      );
    });
  });

  describe('policy', () => {
    it('starts from the defaults and refuses a stale or invalid policy', async () => {
      const got = await api.request<Record<string, unknown>>('GET', policyPath(b), { token: b.t.token });
      expect(got.body).toMatchObject({
        version: 0,
        engineInUse: 'builtin',
        confidenceThreshold: 0.7,
        autonomy: {
          reply: 'L2',
          create_task: 'L2',
          room_change: 'L1',
          late_checkout: 'L1',
          compensation: 'L1',
        },
      });
      expectProblem(
        await api.request('PUT', policyPath(b), { token: b.t.token, body: { version: 3 } }),
        409,
        'version_conflict',
      );
      expectProblem(
        await api.request('PUT', policyPath(b), {
          token: b.t.token,
          body: { version: 0, autonomy: { reply: 'L3' } },
        }),
        400,
        'validation_failed',
      );
      expectProblem(
        await api.request('PUT', policyPath(b), {
          token: b.t.token,
          body: { version: 0, departmentAutonomy: { spa: 'L1' } },
        }),
        400,
        'validation_failed',
      );
      const frontDesk = await addStaff(api, b.t, 'front_desk');
      expectProblem(
        await api.request('PUT', policyPath(b), { token: frontDesk.token, body: { version: 0 } }),
        403,
        'forbidden',
      );
    });

    it('follows a manager’s change: tasks wait for approval and VIPs only get suggestions', async () => {
      await setPolicy(b, { autonomy: { create_task: 'L1' }, vipMode: 'suggest', vipTiers: ['gold'] });
      const phone = await guestInHouse(b, '501');
      const towels = await sms(b, phone, 'two towels please');
      expect(await traced(b, towels)).toMatchObject({ outcome: 'queued_for_approval', rule: 'autonomy_l1' });
      const vip = await guestInHouse(b, '502', { loyaltyTier: 'Gold' });
      const hello = await sms(b, vip, 'Good morning!');
      expect(await traced(b, hello)).toMatchObject({
        outcome: 'queued_for_approval',
        rule: 'vip_suggestion',
      });
      // Hotel A keeps its own (default) policy.
      const other = await sms(a, await guestInHouse(a, '503'), 'two towels please');
      expect((await traced(a, other)).outcome).toBe('task_created');
    });
  });

  describe('task completion notices', () => {
    const tasksPath = (h: Hotel) => `/api/v1/properties/${h.t.propertyId}/tasks`;
    const clock = () => api.app.get(ConciergeClock);
    const realNow = ConciergeClock.prototype.now;

    afterEach(() => {
      clock().now = realNow;
    });

    async function complete(h: Hotel, taskId: string) {
      for (const step of ['claim', 'complete']) {
        const res = await api.request('POST', `${tasksPath(h)}/${taskId}/${step}`, {
          token: h.t.token,
          body: {},
        });
        if (res.status !== 200) throw new Error(`${step}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      // What the worker does with the outbox row: dispatch the event to its subscribers.
      const rows = await admin.query<{ payload: DomainEventPayload }>(
        `select payload from platform.outbox where property_id = $1 and job_name = 'domain-event'
            and payload ->> 'type' = 'task.completed' and payload -> 'data' ->> 'taskId' = $2`,
        [h.t.propertyId, taskId],
      );
      await api.app
        .get(TenantDb)
        .run({ propertyId: h.t.propertyId }, () => api.app.get(DomainEventJob).handle(rows.rows[0].payload));
    }

    const notice = (h: Hotel, conversationId: string) =>
      api.app
        .get(TenantDb)
        .run({ propertyId: h.t.propertyId }, () =>
          api.app.get(TaskNoticeJob).handle({ propertyId: h.t.propertyId, conversationId }),
        );

    it('tells the guest once, a minute later, about every task completed meanwhile', async () => {
      await setPolicy(a, { quietHours: null });
      const phone = await guestInHouse(a, '410');
      const towels = await traced(a, await sms(a, phone, 'two towels please'));
      const shower = await sms(a, phone, 'the shower is broken');
      const fix = await traced(a, shower);
      await complete(a, towels.taskId!);
      await complete(a, fix.taskId!);
      await expect(notice(a, shower.conversationId)).rejects.toBeInstanceOf(DeferJob);

      clock().now = () => new Date(Date.now() + 61_000);
      expect(await notice(a, shower.conversationId)).toBe('sent 2 notice(s)');
      expect(await notice(a, shower.conversationId)).toBe('nothing pending');
      const done = (await aiReplies(shower.conversationId)).filter((r) => r.intent === 'concierge.task_done');
      expect(done).toEqual([
        {
          content: 'Done: 2 towels, maintenance. Let us know if you need anything else.',
          intent: 'concierge.task_done',
        },
      ]);
    });

    it('says nothing once the guest has checked out', async () => {
      const phone = await guestInHouse(a, '411');
      const reservationId = lastReservation();
      const m = await sms(a, phone, 'two towels please');
      const t = await traced(a, m);
      for (const action of ['check-in', 'check-out']) {
        const res = await api.request(
          'POST',
          `/api/v1/properties/${a.t.propertyId}/reservations/${reservationId}/${action}`,
          {
            token: a.t.token,
            body: {},
          },
        );
        expect(res.status).toBe(200);
      }
      await complete(a, t.taskId!);
      clock().now = () => new Date(Date.now() + 61_000);
      expect(await notice(a, m.conversationId)).toBe('skipped: the stay has ended');
      expect((await aiReplies(m.conversationId)).some((r) => r.intent === 'concierge.task_done')).toBe(false);
    });

    it("judges the stay by the property's date, not the server's", async () => {
      const h = await hotel('cgk');
      // UTC+14: from 10:00 UTC on, the property's date is a day after the server's (any zone
      // but UTC+14 itself).
      const patched = await api.request('PATCH', `/api/v1/properties/${h.t.propertyId}`, {
        token: h.t.token,
        body: { timezone: 'Pacific/Kiritimati' },
      });
      expect(patched.status).toBe(200);
      await setPolicy(h, { quietHours: null });
      const arriving = await guestInHouse(h, '420');
      const arrivingStay = lastReservation();
      const arrived = await sms(h, arriving, 'two towels please');
      const leaving = await guestInHouse(h, '421');
      const leavingStay = lastReservation();
      const left = await sms(h, leaving, 'two towels please');
      for (const m of [arrived, left]) {
        const t = await traced(h, m);
        expect(t.outcome).toBe('task_created');
        await complete(h, t.taskId!);
      }

      const serverDay = DateTime.now().plus({ days: 2 }).startOf('day');
      const at = DateTime.fromISO(`${serverDay.toISODate()}T10:30:00Z`);
      const propertyDay = at.setZone('Pacific/Kiritimati').toISODate()!;
      const serverDate = DateTime.fromJSDate(at.toJSDate()).toISODate()!;
      expect(propertyDay).not.toBe(serverDate);
      const day = (d: string, n: number) => DateTime.fromISO(d).plus({ days: n }).toISODate();
      const stay = (id: string, arrival: string | null, departure: string | null) =>
        admin.query(
          'update reservation.reservations set arrival_date = $2, departure_date = $3 where id = $1',
          [id, arrival, departure],
        );
      // Confirmed stays, not checked in: one starts on the property's today (the server's
      // tomorrow), the other ended on the server's today (the property's yesterday).
      await stay(arrivingStay, propertyDay, day(propertyDay, 2));
      await stay(leavingStay, day(serverDate, -2), serverDate);
      clock().now = () => at.toJSDate();

      expect(await notice(h, arrived.conversationId)).toBe('sent 1 notice(s)');
      expect(await notice(h, left.conversationId)).toBe('skipped: the stay has ended');
    });

    it('holds a notice until the quiet hours end', async () => {
      const local = DateTime.now().setZone('Europe/Lisbon');
      const hhmm = (d: DateTime) => d.toFormat('HH:mm');
      const end = local.plus({ hours: 2 });
      await setPolicy(a, { quietHours: { start: hhmm(local.minus({ hours: 1 })), end: hhmm(end) } });
      const phone = await guestInHouse(a, '412');
      const m = await sms(a, phone, 'two towels please');
      const t = await traced(a, m);
      await complete(a, t.taskId!);
      const row = await admin.query<{ due_at: Date }>(
        'select due_at from concierge.task_notices where task_id = $1',
        [t.taskId],
      );
      const expected = end.set({ second: 0, millisecond: 0 });
      expect(Math.abs(row.rows[0].due_at.getTime() - expected.toMillis())).toBeLessThan(60_000);
      await setPolicy(a, { quietHours: null });
    });
  });

  describe('analytics', () => {
    interface Report {
      messages: number;
      automationRate: number;
      escalationRate: number;
      escalations: { key: string; count: number }[];
      topIntents: { key: string; count: number }[];
      knowledgeHitRate: number | null;
      approvals: { queued: number; decided: number };
      firstResponse: { aiMedianSeconds: number | null; answeredByAi: number };
      daily: { day: string; messages: number }[];
    }
    const report = (h: Hotel, token = h.t.token, query = '') =>
      api.request<Report>('GET', `/api/v1/properties/${h.t.propertyId}/analytics/concierge${query}`, {
        token,
      });

    it('reports what the traces hold, for its own property only', async () => {
      const res = await report(a);
      expect(res.status).toBe(200);
      const counts = await admin.query<{
        n: number;
        automated: number;
        escalated: number;
        emergencies: number;
      }>(
        `select count(*)::int as n,
                count(*) filter (where outcome in ('auto_replied', 'task_created'))::int as automated,
                count(*) filter (where outcome = 'escalated')::int as escalated,
                count(*) filter (where reason = 'emergency')::int as emergencies
           from concierge.decision_traces where property_id = $1`,
        [a.t.propertyId],
      );
      const c = counts.rows[0];
      expect(res.body.messages).toBe(c.n);
      expect(res.body.automationRate).toBeCloseTo(c.automated / c.n, 3);
      expect(res.body.escalationRate).toBeCloseTo(c.escalated / c.n, 3);
      expect(res.body.escalations.find((e) => e.key === 'emergency')?.count).toBe(c.emergencies);
      expect(res.body.approvals.decided).toBeGreaterThanOrEqual(2);
      expect(res.body.firstResponse.answeredByAi).toBeGreaterThan(0);
      expect(res.body.firstResponse.aiMedianSeconds).not.toBeNull();
      expect(res.body.knowledgeHitRate).toBeGreaterThan(0);
      expect(res.body.daily.reduce((sum, d) => sum + d.messages, 0)).toBe(c.n);

      const other = await report(b);
      const bCount = await admin.query<{ n: number }>(
        'select count(*)::int as n from concierge.decision_traces where property_id = $1',
        [b.t.propertyId],
      );
      expect(other.body.messages).toBe(bCount.rows[0].n);
      expectProblem(await report(a, b.t.token), 403, 'property_forbidden');
    });

    it('refuses a backwards period and staff without analytics access', async () => {
      expectProblem(
        await report(a, a.t.token, '?from=2026-11-20T00:00:00Z&to=2026-11-19T00:00:00Z'),
        400,
        'validation_failed',
      );
      const hk = await addStaff(api, a.t, 'front_desk');
      expectProblem(await report(a, hk.token), 403, 'forbidden');
    });
  });

  describe('tenancy', () => {
    it('shows a trace only to its own property', async () => {
      const m = await sms(a, freshNumber(), 'Hello there');
      expect((await trace(a, m)).status).toBe(200);
      expectProblem(await trace(a, m, b.t.token), 403, 'property_forbidden');
      const viaB = await api.request(
        'GET',
        `/api/v1/properties/${b.t.propertyId}/conversations/${m.conversationId}/messages/${m.messageId}/trace`,
        { token: b.t.token },
      );
      expectProblem(viaB, 404, 'trace_not_found');
    });

    it("neither attaches nor locks another property's message, whose own job then goes through", async () => {
      const job = api.app.get(InboundMessageJob);
      const messageId = await receive(
        a,
        await guestInHouse(a, '410'),
        'Could we get two more towels please?',
      );
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let seen!: (conversationId: string | null) => void;
      const seenByB = new Promise<string | null>((resolve) => (seen = resolve));
      // Property B's transaction asks for A's message (and its address's lock) and stays open.
      const other = api.app.get(TenantDb).run({ propertyId: b.t.propertyId }, async () => {
        seen(await job.attach({ propertyId: b.t.propertyId, messageId }));
        await gate;
      });
      expect(await seenByB).toBeNull();

      // A's own job takes the address's lock meanwhile: B's transaction took none.
      expect(await job.handle({ propertyId: a.t.propertyId, messageId })).toBe('task_created (task_l2)');
      release();
      await other;
    });
  });
});
