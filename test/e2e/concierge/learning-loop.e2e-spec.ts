import { randomUUID } from 'node:crypto';

import { FeedbackController, KnowledgeGapsController } from '@app/concierge';
import { addStaff, expectProblem, pool, startTestApi, type TestApi } from '@app/testing';
import { type Pool } from 'pg';

import {
  guestInHouse,
  type Hotel,
  hotel,
  PUBLIC_BASE_URL,
  sms,
  useConciergeFixtures,
} from './concierge-fixtures';

interface Asked {
  messageId: string;
  conversationId: string;
}
interface Feedback {
  id: string;
  messageId: string;
  conversationId: string;
  rating: string;
  correction: string | null;
  ratedBy: string;
}
interface Gap {
  id: string;
  question: string;
  language: string;
  occurrences: number;
  examples: { messageId: string; conversationId: string; text: string; source: string }[];
  answer: string | null;
  status: string;
  entryId: string | null;
}
interface Health {
  gaps: {
    open: number;
    top: { id: string; question: string; occurrences: number; answered: boolean }[];
  } | null;
}

let api: TestApi;
let admin: Pool;
let a: Hotel;
let b: Hotel;

/** What the concierge decided for a guest message. */
async function decision(m: Asked): Promise<{ outcome: string; reason: string | null; intent: string }> {
  const r = await admin.query<{ outcome: string; reason: string | null; intent: string }>(
    'select outcome, reason, intent from concierge.decision_traces where message_id = $1',
    [m.messageId],
  );
  return r.rows[0];
}

/** The AI's (first) reply to a guest message. */
async function aiReply(m: Asked): Promise<string> {
  const r = await admin.query<{ id: string }>(
    `select id from conversation.messages
      where conversation_id = $1 and direction = 'outbound' and sender_type = 'ai'
        and created_at >= (select created_at from conversation.messages where id = $2)
      order by created_at, id limit 1`,
    [m.conversationId, m.messageId],
  );
  if (!r.rows[0]) throw new Error('no AI reply');
  return r.rows[0].id;
}

/** A question the knowledge cannot answer, from a new guest: escalated for lack of knowledge. */
async function unanswered(h: Hotel, question: string): Promise<Asked> {
  const m = await sms(h, await guestInHouse(h, String(100 + Math.floor(Math.random() * 800))), question);
  expect(await decision(m)).toMatchObject({ outcome: 'escalated', reason: 'no_knowledge' });
  return m;
}

const feedbackPath = (h: Hotel, conversationId: string, messageId: string) =>
  `/api/v1/properties/${h.t.propertyId}/conversations/${conversationId}/messages/${messageId}/feedback`;

const rate = (h: Hotel, m: Asked, replyId: string, body: unknown, token = h.t.token) =>
  api.request<Feedback>('POST', feedbackPath(h, m.conversationId, replyId), { token, body });

async function gaps(h: Hotel, query = '', token = h.t.token): Promise<Gap[]> {
  const res = await api.request<{ items: Gap[] }>(
    'GET',
    `/api/v1/properties/${h.t.propertyId}/knowledge-gaps${query}`,
    { token },
  );
  if (res.status !== 200) throw new Error(`gaps: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

const gapOf = async (h: Hotel, messageId: string, query = '') =>
  (await gaps(h, query)).find((g) => g.examples.some((e) => e.messageId === messageId));

const gapAction = (h: Hotel, gapId: string, action: 'draft' | 'dismiss', token = h.t.token) =>
  api.request<Gap>('POST', `/api/v1/properties/${h.t.propertyId}/knowledge-gaps/${gapId}/${action}`, {
    token,
    body: {},
  });

/** Drafts a gap and reads back the content of the entry it made. */
async function draftContent(h: Hotel, gapId: string): Promise<string> {
  const drafted = await gapAction(h, gapId, 'draft');
  const entry = await api.request<{ content: string }>(
    'GET',
    `/api/v1/properties/${h.t.propertyId}/knowledge/${drafted.body.entryId}`,
    { token: h.t.token },
  );
  return entry.body.content;
}

const health = (h: Hotel, token = h.t.token) =>
  api.request<Health>('GET', `/api/v1/properties/${h.t.propertyId}/knowledge/health`, { token });

async function staffReply(h: Hotel, conversationId: string, content: string): Promise<string> {
  const res = await api.request<{ messages: { id: string }[] }>(
    'POST',
    `/api/v1/properties/${h.t.propertyId}/conversations/${conversationId}/messages`,
    { token: h.t.token, body: { content } },
  );
  if (res.status !== 201) throw new Error(`reply: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.messages[0].id;
}

async function audited(action: string, resourceId: string): Promise<number> {
  const r = await admin.query<{ n: number }>(
    'select count(*)::int as n from compliance.audit_log where action = $1 and resource_id = $2',
    [action, resourceId],
  );
  return r.rows[0].n;
}

beforeAll(async () => {
  api = await startTestApi({ PUBLIC_BASE_URL });
  admin = pool(api.db.adminUrl, { max: 2 });
  useConciergeFixtures({ api, admin });
  a = await hotel('lla');
  b = await hotel('llb');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(FeedbackController.name, () => {
  describe('give', () => {
    it('keeps one rating per AI reply: helpful, then unhelpful with a correction, then helpful again', async () => {
      const m = await sms(a, await guestInHouse(a, '301'), 'What is the wifi password?');
      expect((await decision(m)).outcome).toBe('auto_replied');
      const reply = await aiReply(m);

      const helpful = await rate(a, m, reply, { rating: 'helpful' });
      expect(helpful.status).toBe(200);
      expect(helpful.body).toMatchObject({
        messageId: reply,
        conversationId: m.conversationId,
        rating: 'helpful',
        correction: null,
        ratedBy: a.t.userId,
      });
      expect(await gapOf(a, m.messageId)).toBeUndefined();
      expect(await audited('message.feedback', reply)).toBe(1);

      const correction = 'The password changed this week: it is now harbour2027.';
      const unhelpful = await rate(a, m, reply, { rating: 'unhelpful', correction });
      expect(unhelpful.status).toBe(200);
      expect(unhelpful.body).toMatchObject({ id: helpful.body.id, rating: 'unhelpful', correction });
      const read = await api.request<Feedback>('GET', feedbackPath(a, m.conversationId, reply), {
        token: a.t.token,
      });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ rating: 'unhelpful', correction });
      const rows = await admin.query('select 1 from concierge.feedback where message_id = $1', [reply]);
      expect(rows.rowCount).toBe(1);
      // The guest's question is a gap now, with the correction as its answer.
      const gap = await gapOf(a, m.messageId);
      expect(gap).toMatchObject({
        question: 'What is the wifi password?',
        language: 'en',
        occurrences: 1,
        answer: correction,
        status: 'open',
      });
      expect(gap!.examples).toEqual([
        expect.objectContaining({
          messageId: m.messageId,
          conversationId: m.conversationId,
          source: 'unhelpful',
        }),
      ]);
      // Rating it unhelpful again does not count the question twice.
      await rate(a, m, reply, { rating: 'unhelpful', correction });
      expect((await gapOf(a, m.messageId))!.occurrences).toBe(1);

      // Staff change their mind: the question is taken back.
      expect((await rate(a, m, reply, { rating: 'helpful' })).body).toMatchObject({
        rating: 'helpful',
        correction: null,
      });
      expect(await gapOf(a, m.messageId)).toBeUndefined();
      expect(await audited('message.feedback', reply)).toBe(4);
    });

    it('refuses to rate what the AI did not send, and messages not in the conversation', async () => {
      const m = await sms(a, await guestInHouse(a, '302'), 'When is breakfast served?');
      const staff = await staffReply(a, m.conversationId, 'Hi Ana, breakfast is until 10:30.');
      const guest = expectProblem(
        await rate(a, m, m.messageId, { rating: 'helpful' }),
        422,
        'not_an_ai_reply',
      );
      expect(guest.detail).toContain('guest');
      expectProblem(await rate(a, m, staff, { rating: 'unhelpful' }), 422, 'not_an_ai_reply');
      expectProblem(await rate(a, m, randomUUID(), { rating: 'helpful' }), 404, 'message_not_found');
      const other = await sms(a, await guestInHouse(a, '303'), 'What is the wifi password?');
      expectProblem(
        await rate(a, { ...m, conversationId: other.conversationId }, await aiReply(m), {
          rating: 'helpful',
        }),
        404,
        'message_not_found',
      );
      expectProblem(
        await api.request('GET', feedbackPath(a, m.conversationId, await aiReply(m)), { token: a.t.token }),
        404,
        'feedback_not_found',
      );
    });

    it('validates the rating and the correction', async () => {
      const m = await sms(a, await guestInHouse(a, '304'), 'What is the wifi password?');
      const reply = await aiReply(m);
      const bad = expectProblem(await rate(a, m, reply, { rating: 'meh' }), 400, 'validation_failed');
      expect(bad.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'rating' })]));
      const long = expectProblem(
        await rate(a, m, reply, { rating: 'unhelpful', correction: 'x'.repeat(4001) }),
        400,
        'validation_failed',
      );
      expect(long.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'correction' })]));
      expectProblem(
        await rate(a, m, reply, { rating: 'unhelpful', correction: '   ' }),
        400,
        'validation_failed',
      );
      expectProblem(await rate(a, m, reply, {}), 400, 'validation_failed');
      expectProblem(
        await rate(a, m, reply, { rating: 'helpful', createdBy: randomUUID() }),
        400,
        'validation_failed',
      );
      expect((await rate(a, m, reply, { rating: 'unhelpful', correction: 'x'.repeat(4000) })).status).toBe(
        200,
      );
    });

    it('lets front desk staff rate replies, and not housekeeping', async () => {
      const m = await sms(a, await guestInHouse(a, '305'), 'What is the wifi password?');
      const reply = await aiReply(m);
      const frontDesk = await addStaff(api, a.t, 'front_desk');
      expect((await rate(a, m, reply, { rating: 'helpful' }, frontDesk.token)).body.ratedBy).toBe(
        frontDesk.userId,
      );
      const hk = await addStaff(api, a.t, 'housekeeping');
      expectProblem(await rate(a, m, reply, { rating: 'helpful' }, hk.token), 403, 'forbidden');
    });
  });
});

describe(KnowledgeGapsController.name, () => {
  describe('grouping', () => {
    it('counts similar unanswered questions as one gap and a different one apart', async () => {
      const h = await hotel('llg');
      const first = await unanswered(h, 'Are dogs allowed in the hotel?');
      const second = await unanswered(h, 'Are small dogs allowed too?');
      const other = await unanswered(h, 'Is there parking at the hotel?');

      const open = await gaps(h);
      expect(open).toHaveLength(2);
      expect(open[0]).toMatchObject({
        question: 'Are dogs allowed in the hotel?',
        occurrences: 2,
        status: 'open',
        answer: null,
      });
      expect(open[0].examples.map((e) => [e.messageId, e.source])).toEqual([
        [second.messageId, 'no_knowledge'],
        [first.messageId, 'no_knowledge'],
      ]);
      expect(open[1]).toMatchObject({ question: 'Is there parking at the hotel?', occurrences: 1 });
      expect(open[1].examples[0].messageId).toBe(other.messageId);

      // Rating the holding line of an escalated question unhelpful does not count it twice.
      expect((await rate(h, first, await aiReply(first), { rating: 'unhelpful' })).status).toBe(200);
      expect((await gapOf(h, first.messageId))!.occurrences).toBe(2);
    });

    it('counts the question of an AI reply rated unhelpful', async () => {
      const h = await hotel('llu');
      const m = await sms(h, await guestInHouse(h, '410'), 'When is breakfast served?');
      expect((await decision(m)).outcome).toBe('auto_replied');
      await rate(h, m, await aiReply(m), { rating: 'unhelpful' });
      expect(await gaps(h)).toEqual([
        expect.objectContaining({ question: 'When is breakfast served?', occurrences: 1, answer: null }),
      ]);
    });
    it('counts a rated question once, also after newer ones pushed it out of the examples', async () => {
      const h = await hotel('llx');
      const ask = async () => {
        const m = await sms(h, await guestInHouse(h, '420'), 'When is breakfast served?');
        expect((await decision(m)).outcome).toBe('auto_replied');
        return { m, reply: await aiReply(m) };
      };
      const first = await ask();
      expect((await rate(h, first.m, first.reply, { rating: 'unhelpful' })).status).toBe(200);
      const gapId = (await gapOf(h, first.m.messageId))!.id;
      for (let i = 0; i < 5; i++) {
        const later = await ask();
        await rate(h, later.m, later.reply, { rating: 'unhelpful' });
      }
      const gap = async () => (await gaps(h)).find((g) => g.id === gapId);
      expect(await gap()).toMatchObject({ occurrences: 6 });
      expect((await gap())!.examples.some((e) => e.messageId === first.m.messageId)).toBe(false);

      // Staff change their mind about the first reply: its question is taken back…
      await rate(h, first.m, first.reply, { rating: 'helpful' });
      expect(await gap()).toMatchObject({ occurrences: 5 });
      // …and counted again, once, when they change it back.
      await rate(h, first.m, first.reply, { rating: 'unhelpful' });
      await rate(h, first.m, first.reply, { rating: 'unhelpful', correction: 'From 07:00 to 10:30.' });
      expect(await gap()).toMatchObject({ occurrences: 6, answer: 'From 07:00 to 10:30.' });
      const counted = await admin.query<{ gap_id: string; source: string }>(
        'select gap_id, source from concierge.knowledge_gap_questions where message_id = $1',
        [first.m.messageId],
      );
      expect(counted.rows).toEqual([{ gap_id: gapId, source: 'unhelpful' }]);
    });
  });

  describe('draft', () => {
    it('drafts a knowledge entry with the question and the staff answer, once', async () => {
      const h = await hotel('lld');
      const first = await unanswered(h, 'Are dogs allowed in the hotel?');
      await unanswered(h, 'Are small dogs allowed too?');
      const answer = 'Yes: dogs up to 10 kg are welcome for 20 EUR a night.';
      await staffReply(h, first.conversationId, answer);
      const gap = (await gapOf(h, first.messageId))!;
      expect(gap.answer).toBe(answer);

      const drafted = await gapAction(h, gap.id, 'draft');
      expect(drafted.status).toBe(200);
      expect(drafted.body).toMatchObject({ id: gap.id, status: 'drafted', answer });
      const entryId = drafted.body.entryId!;
      const entry = await api.request<{
        status: string;
        title: string;
        content: string;
        language: string;
        visibility: string;
      }>('GET', `/api/v1/properties/${h.t.propertyId}/knowledge/${entryId}`, { token: h.t.token });
      expect(entry.body).toMatchObject({
        status: 'draft',
        title: 'Are dogs allowed in the hotel?',
        language: 'en',
        visibility: 'guest',
      });
      expect(entry.body.content).toContain('Are dogs allowed in the hotel?');
      expect(entry.body.content).toContain('Are small dogs allowed too?');
      expect(entry.body.content).toContain(answer);
      expect(await audited('knowledge_gap.draft', gap.id)).toBe(1);

      // Again: the same gap and entry, nothing new.
      const again = await gapAction(h, gap.id, 'draft');
      expect(again.status).toBe(200);
      expect(again.body.entryId).toBe(entryId);
      const entries = await admin.query(
        'select 1 from knowledge.entries where property_id = $1 and status = $2',
        [h.t.propertyId, 'draft'],
      );
      expect(entries.rowCount).toBe(1);
      expect(await gaps(h)).toEqual([]);
      expect((await gaps(h, '?status=drafted')).map((g) => g.id)).toEqual([gap.id]);
      expectProblem(await gapAction(h, gap.id, 'dismiss'), 409, 'knowledge_gap_closed');
    });

    it("keeps the guest's contact details a staff answer mentions out of the draft", async () => {
      const h = await hotel('llp');
      const m = await unanswered(h, 'Can I bring my cat?');
      await staffReply(
        h,
        m.conversationId,
        'Yes! We will text you at +351 912 345 678 or write to ana.silva@example.com.',
      );
      const gap = (await gapOf(h, m.messageId))!;

      const content = await draftContent(h, gap.id);

      expect(content).toContain('**Answer:** Yes! We will text you at [phone] or write to [email].');
      expect(content).not.toMatch(/912|ana\.silva/);
    });

    it('drafts from the correction given with an unhelpful rating', async () => {
      const h = await hotel('llc');
      const m = await sms(h, await guestInHouse(h, '420'), 'When is breakfast served?');
      const correction = 'On weekends breakfast is served until 11:30.';
      await rate(h, m, await aiReply(m), { rating: 'unhelpful', correction });
      const gap = (await gapOf(h, m.messageId))!;
      const content = await draftContent(h, gap.id);
      expect(content).toContain('When is breakfast served?');
      expect(content).toContain(correction);
    });
  });

  describe('dismiss', () => {
    it('dismisses a gap once and for all: again is a no-op, a draft is refused', async () => {
      const h = await hotel('llx');
      const m = await unanswered(h, 'Is there parking at the hotel?');
      const gap = (await gapOf(h, m.messageId))!;
      const dismissed = await gapAction(h, gap.id, 'dismiss');
      expect(dismissed.status).toBe(200);
      expect(dismissed.body).toMatchObject({ id: gap.id, status: 'dismissed', entryId: null });
      expect((await gapAction(h, gap.id, 'dismiss')).body.status).toBe('dismissed');
      expectProblem(await gapAction(h, gap.id, 'draft'), 409, 'knowledge_gap_closed');
      expect(await gaps(h)).toEqual([]);
      expect(await audited('knowledge_gap.dismiss', gap.id)).toBe(2);
    });
  });

  describe('health report', () => {
    it('lists the open gaps, most asked first, to those who write knowledge', async () => {
      const h = await hotel('llh');
      const first = await unanswered(h, 'Are dogs allowed in the hotel?');
      await unanswered(h, 'Are small dogs allowed too?');
      await unanswered(h, 'Is there parking at the hotel?');
      await staffReply(h, first.conversationId, 'Dogs are welcome.');
      const report = await health(h);
      expect(report.status).toBe(200);
      expect(report.body.gaps).toMatchObject({
        open: 2,
        top: [
          { question: 'Are dogs allowed in the hotel?', occurrences: 2, answered: true },
          { question: 'Is there parking at the hotel?', occurrences: 1, answered: false },
        ],
      });
      const concierge = await addStaff(api, h.t, 'concierge');
      expect((await health(h, concierge.token)).body.gaps?.open).toBe(2);
      // Staff who only read the knowledge do not see what guests wrote.
      const frontDesk = await addStaff(api, h.t, 'front_desk');
      const read = await health(h, frontDesk.token);
      expect(read.status).toBe(200);
      expect(read.body.gaps).toBeNull();
      expectProblem(
        await api.request('GET', `/api/v1/properties/${h.t.propertyId}/knowledge-gaps`, {
          token: frontDesk.token,
        }),
        403,
        'forbidden',
      );
    });
  });
});

describe('learning loop tenancy', () => {
  it('keeps feedback and knowledge gaps to their property', async () => {
    const m = await unanswered(a, 'Are cats allowed in the hotel?');
    const reply = await aiReply(m);
    expect((await rate(a, m, reply, { rating: 'unhelpful' })).status).toBe(200);
    const gap = (await gapOf(a, m.messageId))!;

    // B's manager on A's paths: refused before anything is read.
    expectProblem(await rate(a, m, reply, { rating: 'helpful' }, b.t.token), 403, 'property_forbidden');
    expectProblem(
      await api.request('GET', feedbackPath(a, m.conversationId, reply), { token: b.t.token }),
      403,
      'property_forbidden',
    );
    expectProblem(
      await api.request('GET', `/api/v1/properties/${a.t.propertyId}/knowledge-gaps`, { token: b.t.token }),
      403,
      'property_forbidden',
    );
    expectProblem(await gapAction(a, gap.id, 'draft', b.t.token), 403, 'property_forbidden');
    expectProblem(await gapAction(a, gap.id, 'dismiss', b.t.token), 403, 'property_forbidden');

    // B's manager on B's paths with A's ids: nothing there.
    expectProblem(await rate(b, m, reply, { rating: 'helpful' }), 404, 'message_not_found');
    expectProblem(
      await api.request('GET', feedbackPath(b, m.conversationId, reply), { token: b.t.token }),
      404,
      'message_not_found',
    );
    expectProblem(await gapAction(b, gap.id, 'draft'), 404, 'knowledge_gap_not_found');
    expectProblem(await gapAction(b, gap.id, 'dismiss'), 404, 'knowledge_gap_not_found');
    expect((await gaps(b)).some((g) => g.id === gap.id)).toBe(false);
    expect((await health(b)).body.gaps?.top.some((g) => g.id === gap.id)).toBe(false);

    // A's gap is as it was.
    expect((await gapOf(a, m.messageId))!).toMatchObject({ status: 'open', entryId: null, occurrences: 1 });
    const feedback = await api.request<Feedback>('GET', feedbackPath(a, m.conversationId, reply), {
      token: a.t.token,
    });
    expect(feedback.body.rating).toBe('unhelpful');
  });
});
