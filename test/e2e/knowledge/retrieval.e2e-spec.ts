import {
  EmbedEntryJob,
  KnowledgeRetrievalController,
  ResponseCacheHits,
  ResponseCacheRepository,
} from '@app/knowledge';
import { TenantDb } from '@app/platform';
import { expectProblem, pool, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';
import { type Pool } from 'pg';

interface Entry {
  id: string;
  version: number;
  embeddedModel: string | null;
}
interface Hit {
  entryId: string;
  title: string;
  snippet: string;
  signals: string[];
  similarity: number | null;
  textRank: number | null;
}
interface SearchResult {
  items: Hit[];
  vectorModel: string | null;
  vectorPlan: string | null;
}
interface Answer {
  answer: string;
  answered: boolean;
  cached: boolean;
  engine: string;
  sources: { entryId: string; title: string }[];
}

let api: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;

const base = (t: Tenant) => `/api/v1/properties/${t.propertyId}/knowledge`;

async function add(t: Tenant, body: object): Promise<Entry> {
  const res = await api.request<Entry>('POST', base(t), { token: t.token, body });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  await embed(t, res.body.id);
  return res.body;
}

/** Runs the embeddings job for an entry as the worker would. */
const embed = (t: Tenant, entryId: string) =>
  api.app.get(EmbedEntryJob).handle({ propertyId: t.propertyId, entryId });

const search = (t: Tenant, body: object, token = t.token) =>
  api.request<SearchResult>('POST', `${base(t)}/search`, { token, body });

const ask = (t: Tenant, question: string, audience?: string) =>
  api.request<Answer>('POST', `${base(t)}/ask`, { token: t.token, body: { question, audience } });

const titles = (r: { body: SearchResult }) => r.body.items.map((h) => h.title);

const HOUR = 3600_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

let breakfast: Entry;
let wifi: Entry;

beforeAll(async () => {
  api = await startTestApi();
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'kra');
  b = await signupTenant(api, 'krb');
  breakfast = await add(a, {
    category: 'dining',
    title: 'Breakfast',
    content:
      '## Hours\n\nBreakfast is served from 7:00 to 10:30 in the Atrium restaurant. ' +
      'Continental and hot dishes are included in every room rate.\n\n## Room service\n\n' +
      'Breakfast in your room can be ordered until 10:00 by dialling 22.',
  });
  wifi = await add(a, {
    category: 'amenity',
    title: 'Internet access',
    content: 'Connect to the network "Harbour-Guest". The password is printed on your key card.',
    keywords: ['wlan', 'wifi'],
  });
  await add(a, {
    category: 'amenity',
    title: 'Swimming pool',
    content: 'The rooftop swimming pool is open daily from 8:00 to 20:00. Towels are at the pool bar.',
  });
  await add(a, {
    category: 'policy',
    title: 'Cash handling',
    content: 'Night auditors count the breakfast cash float at 04:00 and log it in the safe book.',
    visibility: 'internal',
  });
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(KnowledgeRetrievalController.name, () => {
  describe('embeddings', () => {
    it('chunks an entry when written and marks it searchable once the job stored its vectors', async () => {
      const res = await api.request<Entry>('GET', `${base(a)}/${breakfast.id}`, { token: a.token });
      const rows = await admin.query<{ chunks: number; vectors: number }>(
        `select count(distinct c.id)::int as chunks, count(e.chunk_id)::int as vectors
           from knowledge.chunks c
           left join knowledge.chunk_embeddings e on e.property_id = c.property_id and e.chunk_id = c.id
          where c.entry_id = $1`,
        [breakfast.id],
      );

      expect(res.body.embeddedModel).toBe('builtin-hash-v1@384');
      expect(rows.rows[0].chunks).toBe(2);
      expect(rows.rows[0].vectors).toBe(2);
    });

    it('replaces the chunks and drops the vectors when the content changes, until the job runs again', async () => {
      const created = await api.request<Entry>('POST', base(a), {
        token: a.token,
        body: { category: 'faq', title: 'Parking', content: 'Valet parking costs 30 EUR per night.' },
      });
      await embed(a, created.body.id);

      const edited = await api.request<Entry>('PATCH', `${base(a)}/${created.body.id}`, {
        token: a.token,
        body: { version: 1, content: 'Valet parking costs 35 EUR per night from May.' },
      });
      const before = await search(a, { query: 'valet parking price' });
      await embed(a, created.body.id);
      const after = await api.request<Entry>('GET', `${base(a)}/${created.body.id}`, { token: a.token });

      expect(edited.body.embeddedModel).toBeNull();
      // Full text finds the new wording before any vector exists.
      expect(before.body.items[0]).toMatchObject({ title: 'Parking', signals: ['text'] });
      expect(before.body.items[0].snippet).toContain('35');
      expect(after.body.embeddedModel).toBe('builtin-hash-v1@384');
    });
  });

  describe('search', () => {
    it('ranks by both signals, with the snippet around the matched words', async () => {
      const res = await search(a, { query: 'When is breakfast served?' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ vectorModel: 'builtin-hash-v1@384', vectorPlan: 'exact' });
      expect(res.body.items[0]).toMatchObject({ entryId: breakfast.id, signals: ['vector', 'text'] });
      expect(res.body.items[0].snippet).toMatch(/\*\*Breakfast\*\*|\*\*served\*\*/);
    });

    it('finds an entry by a keyword that is only in its keywords', async () => {
      const res = await search(a, { query: 'wlan' });

      expect(res.body.items[0]).toMatchObject({ entryId: wifi.id });
      expect(res.body.items[0].signals).toContain('text');
    });

    it('finds a misspelt paraphrase by vector similarity when full text finds nothing', async () => {
      const res = await search(a, { query: 'when is breakfst', visibility: 'guest' });

      expect(res.body.items[0]).toMatchObject({ entryId: breakfast.id, signals: ['vector'] });
    });

    it('leaves staff-only entries out for visibility guest and keeps them for staff', async () => {
      const guest = await search(a, { query: 'breakfast cash float', visibility: 'guest' });
      const staff = await search(a, { query: 'breakfast cash float' });

      expect(titles(guest)).not.toContain('Cash handling');
      expect(titles(staff)[0]).toBe('Cash handling');
    });

    it('answers only from active entries inside their validity window', async () => {
      const seasonal = await add(a, {
        category: 'amenity',
        title: 'Ice rink',
        content: 'The ice rink on the terrace opens in winter.',
        validFrom: iso(-HOUR),
        validUntil: iso(HOUR),
      });
      await add(a, {
        category: 'amenity',
        title: 'Ice bar',
        content: 'The ice bar on the terrace opened last winter.',
        validUntil: iso(-HOUR),
      });
      await add(a, {
        category: 'amenity',
        title: 'Ice sculptures',
        content: 'Ice sculptures on the terrace from next month.',
        validFrom: iso(HOUR),
      });
      await add(a, {
        category: 'amenity',
        title: 'Ice cream',
        content: 'Ice cream on the terrace, a draft.',
        status: 'draft',
      });

      const res = await search(a, { query: 'ice terrace', limit: 20 });

      expect(res.body.items.map((h) => h.entryId)).toContain(seasonal.id);
      expect(titles(res)).not.toEqual(expect.arrayContaining(['Ice bar']));
      expect(titles(res).filter((t) => t.startsWith('Ice'))).toEqual(['Ice rink']);
    });

    it('filters by category and language', async () => {
      await add(a, {
        category: 'dining',
        title: 'Desayuno',
        content: 'El desayuno se sirve de 7:00 a 10:30 en el Atrio.',
        language: 'es',
      });

      const spanish = await search(a, { query: 'desayuno', language: 'es' });
      const amenities = await search(a, { query: 'breakfast', category: 'amenity' });

      expect(titles(spanish)).toEqual(['Desayuno']);
      expect(titles(amenities)).not.toContain('Breakfast');
    });

    it("never returns another property's entries, and refuses another property's search", async () => {
      const own = await search(b, { query: 'breakfast served Atrium' });
      const foreign = await search(a, { query: 'breakfast' }, b.token);

      expect(own.status).toBe(200);
      expect(own.body.items).toEqual([]);
      expectProblem(foreign, 403, 'property_forbidden');
    });

    it.each([
      [{ query: '' }, 'query'],
      [{ query: 'x'.repeat(1001) }, 'query'],
      [{ query: '?!' }, 'query'],
      [{ query: 'pool', limit: 21 }, 'limit'],
      [{ query: 'pool', visibility: 'public' }, 'visibility'],
      [{ query: 'pool', category: 'spa' }, 'category'],
    ])('refuses %j with a 400 naming %s', async (body, field) => {
      const res = await search(a, body);

      expectProblem(res, 400, 'validation_failed');
      expect(JSON.stringify(res.body)).toContain(field);
    });
  });

  describe('ask', () => {
    it('answers from the knowledge with its sources, then from the cache', async () => {
      const first = await ask(a, 'What time is breakfast served?');
      const again = await ask(a, 'what time is BREAKFAST served');

      expect(first.body).toMatchObject({ answered: true, cached: false, engine: 'builtin' });
      expect(first.body.answer).toContain('7:00 to 10:30');
      expect(first.body.sources[0]).toMatchObject({ entryId: breakfast.id });
      expect(again.body).toMatchObject({ cached: true, answer: first.body.answer });
    });

    it('forgets a cached answer when an entry it was built from changes', async () => {
      await ask(a, 'Which network is the wifi?');
      await api.request('PATCH', `${base(a)}/${wifi.id}`, {
        token: a.token,
        body: {
          version: 1,
          content: 'Connect to the network "Harbour-5G". The password is on your key card.',
        },
      });
      await embed(a, wifi.id);

      const res = await ask(a, 'Which network is the wifi?');

      expect(res.body.cached).toBe(false);
      expect(res.body.answer).toContain('Harbour-5G');
    });

    it('says it does not know rather than guessing, and tells guests nothing staff-only', async () => {
      const unknown = await ask(a, 'Do you rent electric scooters?');
      const guest = await ask(a, 'When is the cash float counted?');
      const staff = await ask(a, 'When is the cash float counted?', 'staff');

      expect(unknown.body).toMatchObject({ answered: false, sources: [] });
      expect(guest.body.answer).not.toContain('04:00');
      expect(staff.body.answer).toContain('04:00');
    });

    describe("a cached answer's hits", () => {
      // Written when the tests say, not by the timer in between.
      beforeAll(() => api.app.get(ResponseCacheHits).stop());

      const cachedOf = async (t: Tenant, question: string) =>
        (
          await admin.query<{ id: string; hit_count: number; last_hit_at: Date | null }>(
            `select id, hit_count, last_hit_at from knowledge.response_cache
              where property_id = $1 and question = $2`,
            [t.propertyId, question],
          )
        ).rows[0];

      it('are counted apart from the read and written together', async () => {
        const question = 'When does the breakfast start?';
        await ask(a, question);
        await Promise.all([ask(a, question), ask(a, question.toUpperCase()), ask(a, question)]);
        expect(await cachedOf(a, question)).toMatchObject({ hit_count: 0, last_hit_at: null });

        await api.app.get(ResponseCacheHits).write();

        const cached = await cachedOf(a, question);
        expect(cached.hit_count).toBe(3);
        expect(cached.last_hit_at).toBeInstanceOf(Date);
      });

      it('read before the answer was stored anew are not added to the new one', async () => {
        const question = 'Is breakfast served on the terrace?';
        await ask(a, question);
        await ask(a, question);
        await ask(a, question);
        // Expired, so the next ask stores its answer anew (the same row, its count started again).
        await admin.query(
          `update knowledge.response_cache set expires_at = now() - interval '1 second'
            where property_id = $1 and question = $2`,
          [a.propertyId, question],
        );
        const stored = await ask(a, question);
        expect(stored.body.cached).toBe(false);
        const again = await ask(a, question);
        expect(again.body.cached).toBe(true);

        await api.app.get(ResponseCacheHits).write();

        expect(await cachedOf(a, question)).toMatchObject({ hit_count: 1 });
      });

      it("touch no other property's answers", async () => {
        const question = 'What time is breakfast on Sunday?';
        await ask(a, question);
        const { id } = await cachedOf(a, question);
        const {
          rows: [{ version }],
        } = await admin.query<{ version: string }>(
          `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as version
             from knowledge.response_cache where id = $1`,
          [id],
        );
        const hit = { id, version, count: 5, seenAt: new Date().toISOString() };
        const cache = api.app.get(ResponseCacheRepository);

        const written = await api.app
          .get(TenantDb)
          .run({ propertyId: b.propertyId }, async () => [
            await cache.addHits(b.propertyId, [hit]),
            await cache.addHits(a.propertyId, [hit]),
          ]);
        const own = await api.app
          .get(TenantDb)
          .run({ propertyId: a.propertyId }, () => cache.addHits(a.propertyId, [{ ...hit, count: 1 }]));

        expect(written).toEqual([0, 0]);
        expect(own).toBe(1);
        expect(await cachedOf(a, question)).toMatchObject({ hit_count: 1 });
      });
    });

    it('counts the entries an answer used', async () => {
      const rows = await admin.query<{ usage_count: number }>(
        'select usage_count from knowledge.entries where id = $1',
        [breakfast.id],
      );

      expect(rows.rows[0].usage_count).toBeGreaterThan(0);
    });
  });

  describe('health', () => {
    it('reports stale, expired and near-duplicate entries and the embedding coverage', async () => {
      const dup = await add(a, {
        category: 'dining',
        title: 'Breakfast',
        content:
          '## Hours\n\nBreakfast is served from 7:00 to 10:30 in the Atrium restaurant. ' +
          'Continental and hot dishes are included in every room rate.',
      });
      await admin.query(
        `update knowledge.entries set updated_at = now() - interval '200 days' where id = $1`,
        [wifi.id],
      );

      const res = await api.request<{
        stale: { id: string }[];
        expired: { title: string }[];
        nearDuplicates: { entryId: string; otherEntryId: string; similarity: number }[];
        embeddings: { share: number; currentModel: string; entries: number };
      }>('GET', `${base(a)}/health`, { token: a.token });

      expect(res.status).toBe(200);
      expect(res.body.stale.map((e) => e.id)).toEqual([wifi.id]);
      expect(res.body.expired.map((e) => e.title)).toContain('Ice bar');
      expect(res.body.nearDuplicates).toContainEqual(
        expect.objectContaining({ entryId: breakfast.id < dup.id ? breakfast.id : dup.id }),
      );
      expect(res.body.nearDuplicates.every((d) => d.similarity >= 0.9)).toBe(true);
      expect(res.body.embeddings).toMatchObject({ currentModel: 'builtin-hash-v1@384', share: 1 });
    });

    it("counts only the property's own entries", async () => {
      const res = await api.request<{ embeddings: { entries: number } }>('GET', `${base(b)}/health`, {
        token: b.token,
      });

      expect(res.body.embeddings.entries).toBe(0);
    });
  });

  describe('reindex', () => {
    it('enqueues a reindex job with the request', async () => {
      const res = await api.request<{ model: string; jobId: string }>('POST', `${base(a)}/reindex`, {
        token: a.token,
      });
      const job = await admin.query('select job_name from platform.outbox where id = $1', [res.body.jobId]);

      expect(res.status).toBe(202);
      expect(res.body.model).toBe('builtin-hash-v1@384');
      expect(job.rows[0]).toEqual({ job_name: 'knowledge.reindex' });
    });

    it('keeps RLS: a job cannot read another property through its payload', async () => {
      const db = api.app.get(TenantDb);
      const seen = await db.run({ propertyId: b.propertyId }, (m) =>
        m.query<{ n: number }[]>('select count(*)::int as n from knowledge.chunks where property_id = $1', [
          a.propertyId,
        ]),
      );

      expect(seen).toEqual([{ n: 0 }]);
    });
  });
});
