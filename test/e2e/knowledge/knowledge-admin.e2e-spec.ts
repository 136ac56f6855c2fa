import { randomBytes } from 'node:crypto';

import { createApiApp } from '@app/api/bootstrap';
import { EmbedEntryJob, OrganizationKnowledgeController, ReindexJob } from '@app/knowledge';
import { DomainEventBus, setEnvironment, TenantDb } from '@app/platform';
import {
  addStaff,
  expectProblem,
  type FakeOpenAi,
  pool,
  signupTenant,
  startFakeOpenAi,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Pool } from 'pg';

interface Entry {
  id: string;
  title: string;
  content: string;
  version: number;
  groupEntryId: string | null;
  embeddedModel: string | null;
}
interface Report {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  rows: {
    row: number;
    outcome: string;
    entryId: string | null;
    errors?: { field: string; code: string }[];
  }[];
}
interface SearchResult {
  items: { entryId: string; title: string; signals: string[] }[];
  vectorModel: string | null;
}

let api: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;

const base = (propertyId: string) => `/api/v1/properties/${propertyId}/knowledge`;
const hex = () => randomBytes(4).toString('hex');

async function entries(propertyId: string, token: string): Promise<Entry[]> {
  const res = await api.request<{ items: Entry[] }>('GET', `${base(propertyId)}?limit=100`, { token });
  if (res.status !== 200) throw new Error(`list: ${res.status}`);
  return res.body.items;
}

beforeAll(async () => {
  api = await startTestApi();
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'kia');
  b = await signupTenant(api, 'kib');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe('knowledge import', () => {
  const importInto = (t: Tenant, body: object, token = t.token) =>
    api.request<Report>('POST', `${base(t.propertyId)}/import`, { token, body });

  const rows = [
    {
      category: 'faq',
      title: 'Check-out time',
      content: 'Check-out is at 11:00. Late check-out on request.',
    },
    { category: 'spa', title: 'Sauna', content: 'The sauna is open until 21:00.' },
    {
      category: 'amenity',
      title: 'Gym',
      content: 'The gym is open around the clock.',
      keywords: ['fitness'],
    },
  ];

  it('creates the valid rows and reports each bad one, then changes nothing when repeated', async () => {
    const first = await importInto(a, { format: 'json', entries: rows });
    const again = await importInto(a, { format: 'json', entries: rows });

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    expect(first.body.rows[1]).toMatchObject({ row: 2, outcome: 'failed', entryId: null });
    expect(first.body.rows[1].errors).toEqual([expect.objectContaining({ field: 'category' })]);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, failed: 1 });
    expect(again.body.rows[0].entryId).toBe(first.body.rows[0].entryId);
  });

  it('updates the entry of the same title as a new version when the content changed', async () => {
    const changed = [{ ...rows[0], content: 'Check-out is at 12:00 on Sundays, 11:00 otherwise.' }];

    const res = await importInto(a, { format: 'json', entries: changed });
    const entry = await api.request<Entry>('GET', `${base(a.propertyId)}/${res.body.rows[0].entryId}`, {
      token: a.token,
    });

    expect(res.body).toMatchObject({ created: 0, updated: 1 });
    expect(entry.body).toMatchObject({ version: 2, content: changed[0].content });
  });

  it('imports CSV with keywords and Markdown split on headings', async () => {
    const csv =
      'title,content,category,keywords\n' +
      'Airport shuttle,"Shuttle every hour, 05:00-23:00.",service,bus;airport\n' +
      'Parking,Garage under the hotel; 25 EUR a day.,amenity,car\n';
    const md =
      '# Bikes\n\nCity bikes are free for guests.\n\n# Laundry\n\nSame-day laundry if handed in by 9:00.\n';

    const fromCsv = await importInto(a, { format: 'csv', content: csv });
    const fromMd = await importInto(a, {
      format: 'markdown',
      content: md,
      defaults: { category: 'service' },
    });
    const titles = (await entries(a.propertyId, a.token)).map((e) => e.title);

    expect(fromCsv.body).toMatchObject({ created: 2, failed: 0 });
    expect(fromMd.body).toMatchObject({ created: 2, failed: 0 });
    expect(titles).toEqual(expect.arrayContaining(['Airport shuttle', 'Parking', 'Bikes', 'Laundry']));
  });

  it('refuses a body of the wrong shape and another property', async () => {
    const noColumn = await importInto(a, { format: 'csv', content: 'title,category\nA,faq\n' });
    const badFormat = await importInto(a, { format: 'xml', content: '<a/>' });
    const foreign = await importInto(a, { format: 'json', entries: rows }, b.token);

    expectProblem(noColumn, 400, 'missing_column');
    expectProblem(badFormat, 400, 'validation_failed');
    expectProblem(foreign, 403, 'property_forbidden');
    expect((await entries(b.propertyId, b.token)).length).toBe(0);
  });
});

describe(OrganizationKnowledgeController.name, () => {
  const groupBase = (orgId: string) => `/api/v1/organizations/${orgId}/knowledge`;
  let second: string;
  let groupId: string;

  beforeAll(async () => {
    const res = await api.request<{ id: string }>('POST', '/api/v1/properties', {
      token: a.token,
      body: { name: 'Second hotel', code: `kis${hex()}`, timezone: 'Europe/Madrid' },
    });
    second = res.body.id;
  });

  it('publishes an entry to every property of the organization, and only there', async () => {
    await api.request('POST', base(a.propertyId), {
      token: a.token,
      body: { category: 'faq', title: 'Private to the first hotel', content: 'Only here.' },
    });

    const res = await api.request<{ id: string; properties: number; version: number }>(
      'POST',
      groupBase(a.organizationId),
      {
        token: a.token,
        body: { category: 'policy', title: 'Group pet policy', content: 'Dogs up to 10 kg stay free.' },
      },
    );
    groupId = res.body.id;
    const firstCopies = (await entries(a.propertyId, a.token)).filter((e) => e.groupEntryId === groupId);
    const secondEntries = await entries(second, a.token);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ properties: 2, version: 1 });
    expect(firstCopies).toHaveLength(1);
    expect(secondEntries.map((e) => e.title)).toEqual(['Group pet policy']);
    expect((await entries(b.propertyId, b.token)).some((e) => e.groupEntryId === groupId)).toBe(false);
  });

  it('changes every copy together and keeps copies read-only in the properties', async () => {
    const stale = await api.request('PATCH', `${groupBase(a.organizationId)}/${groupId}`, {
      token: a.token,
      body: { version: 7, content: 'x' },
    });
    const res = await api.request<{ version: number }>('PATCH', `${groupBase(a.organizationId)}/${groupId}`, {
      token: a.token,
      body: { version: 1, content: 'Dogs up to 15 kg stay free.' },
    });
    const copy = (await entries(second, a.token)).find((e) => e.groupEntryId === groupId)!;
    const edit = await api.request('PATCH', `${base(second)}/${copy.id}`, {
      token: a.token,
      body: { version: copy.version, content: 'Local change' },
    });
    const removal = await api.request('DELETE', `${base(second)}/${copy.id}`, { token: a.token });

    expectProblem(stale, 409, 'version_conflict');
    expect(res.body.version).toBe(2);
    expect(copy).toMatchObject({ content: 'Dogs up to 15 kg stay free.', version: 2 });
    expectProblem(edit, 409, 'group_entry_managed');
    expectProblem(removal, 409, 'group_entry_managed');
  });

  it('gives a property added later the organization entries when it is created', async () => {
    const res = await api.request<{ id: string }>('POST', '/api/v1/properties', {
      token: a.token,
      body: { name: 'Third hotel', code: `kit${hex()}`, timezone: 'Europe/Madrid' },
    });
    const third = res.body.id;
    await api.app.get(TenantDb).run({ propertyId: third }, () =>
      api.app.get(DomainEventBus).dispatch({
        propertyId: third,
        eventId: randomBytes(8).toString('hex'),
        type: 'property.created',
        data: { propertyId: third, organizationId: a.organizationId },
        occurredAt: new Date().toISOString(),
      }),
    );

    const copies = await entries(third, a.token);

    expect(copies.map((e) => [e.title, e.content])).toEqual([
      ['Group pet policy', 'Dogs up to 15 kg stay free.'],
    ]);
  });

  it('lets only the organization owners and admins publish', async () => {
    const manager = await addStaff(api, a, 'manager');
    const body = { category: 'faq', title: 'X', content: 'Y' };

    const asManager = await api.request('POST', groupBase(a.organizationId), { token: manager.token, body });
    const asOtherOrg = await api.request('POST', groupBase(a.organizationId), { token: b.token, body });
    const listOther = await api.request('GET', groupBase(a.organizationId), { token: b.token });

    expectProblem(asManager, 403, 'organization_admin_required');
    expectProblem(asOtherOrg, 403, 'organization_admin_required');
    expectProblem(listOther, 403, 'organization_admin_required');
  });

  it('removes the group entry with every copy', async () => {
    const res = await api.request('DELETE', `${groupBase(a.organizationId)}/${groupId}`, { token: a.token });
    const left = await admin.query(
      'select count(*)::int as n from knowledge.entries where group_entry_id = $1',
      [groupId],
    );

    expect(res.status).toBe(204);
    expect(left.rows[0]).toEqual({ n: 0 });
  });
});

describe('a change of embedding model', () => {
  let openai: FakeOpenAi;
  let other: NestFastifyApplication;
  let otherUrl: string;
  let t: Tenant;

  const searchOn = async (url: string, query: string): Promise<SearchResult> => {
    const res = await fetch(`${url}${base(t.propertyId)}/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as SearchResult;
  };

  const post = async <T>(path: string, body: object): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${otherUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    t = await signupTenant(api, 'kim');
    for (const [title, content] of [
      ['Spa', 'The spa opens at 9:00 and closes at 21:00. Massages need a booking.'],
      ['Restaurant', 'Dinner is served from 19:00 to 22:30 on the terrace.'],
      ['Garage', 'The garage is under the hotel. Ask reception for a permit.'],
    ]) {
      const res = await api.request<Entry>('POST', base(t.propertyId), {
        token: t.token,
        body: { category: 'amenity', title, content },
      });
      await api.app.get(EmbedEntryJob).handle({ propertyId: t.propertyId, entryId: res.body.id });
    }
    openai = await startFakeOpenAi();
    // A second api over the same database, configured for an OpenAI-compatible model.
    setEnvironment({
      EMBEDDING_PROVIDER: 'openai',
      EMBEDDING_DIMENSIONS: '64',
      EMBEDDING_BATCH_SIZE: '2',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: openai.apiKey,
      AI_PROVIDER: 'openai',
    });
    other = await createApiApp();
    await other.listen({ port: 0, host: '127.0.0.1' });
    const address = other.getHttpServer().address();
    otherUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    setEnvironment({
      EMBEDDING_PROVIDER: 'builtin',
      EMBEDDING_DIMENSIONS: '',
      EMBEDDING_BATCH_SIZE: '',
      AI_PROVIDER: 'builtin',
    });
    await other?.close();
    await openai?.close();
  });

  it('keeps searching the old vectors until the reindex is complete, then switches', async () => {
    const before = await searchOn(otherUrl, 'spa massage booking');

    openai.failNext(429, 1, { 'retry-after': '0' });
    await other.get(ReindexJob).handle({ propertyId: t.propertyId });
    const calls = openai.requests.filter((r) => r.path === '/v1/embeddings');
    const after = await searchOn(otherUrl, 'spa massage booking');
    const models = await admin.query<{ model: string; dimensions: number }>(
      `select distinct e.model, e.dimensions from knowledge.chunk_embeddings e
         join knowledge.chunks c on c.property_id = e.property_id and c.id = e.chunk_id
        where e.property_id = $1`,
      [t.propertyId],
    );

    expect(before.vectorModel).toBe('builtin-hash-v1@384');
    expect(before.items[0]).toMatchObject({ title: 'Spa', signals: ['vector', 'text'] });
    expect(calls[0].status).toBe(429);
    expect(calls.every((r) => (r.body as { input: string[] }).input.length <= 2)).toBe(true);
    expect(calls.filter((r) => r.status === 200)).toHaveLength(2);
    expect((calls[1].body as { dimensions: number }).dimensions).toBe(64);
    expect(after.vectorModel).toBe('text-embedding-3-small@64');
    expect(after.items[0].title).toBe('Spa');
    expect(models.rows).toEqual([{ model: 'text-embedding-3-small', dimensions: 64 }]);
  });

  it('refuses vectors of the wrong size without storing any', async () => {
    openai.setDimensions(32);
    const created = await post<Entry>(base(t.propertyId), {
      category: 'faq',
      title: 'Umbrellas',
      content: 'Umbrellas are at the door.',
    });

    const run = other.get(EmbedEntryJob).handle({ propertyId: t.propertyId, entryId: created.body.id });
    await expect(run).rejects.toThrow(/32 dimensions/);
    openai.setDimensions(undefined);
    const stored = await admin.query(
      `select count(*)::int as n from knowledge.chunk_embeddings e
         join knowledge.chunks c on c.property_id = e.property_id and c.id = e.chunk_id where c.entry_id = $1`,
      [created.body.id],
    );

    expect(stored.rows[0]).toEqual({ n: 0 });
  });

  it('answers with the chat model from the sources, and extractively when it is down', async () => {
    openai.setChatReply('The spa is open from 9:00 to 21:00.');

    const chat = await post<{ answer: string; engine: string }>(`${base(t.propertyId)}/ask`, {
      question: 'When does the spa open?',
    });
    const request = openai.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    openai.failNext(500, 10, {}, '/v1/chat/completions');
    const fallback = await post<{ answer: string; engine: string }>(`${base(t.propertyId)}/ask`, {
      question: 'When is dinner served?',
    });

    expect(chat.body).toEqual(expect.objectContaining({ engine: 'openai:gpt-4o-mini' }));
    expect(chat.body.answer).toBe('The spa is open from 9:00 to 21:00.');
    expect(JSON.stringify(request.body)).toContain('Massages need a booking');
    expect(fallback.body.engine).toBe('builtin');
    expect(fallback.body.answer).toContain('19:00 to 22:30');
  });

  it('serves a differently worded question from the cache when its meaning is the same', async () => {
    const same = Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0));
    openai.transformEmbeddings((items) => items.map((item) => ({ ...item, embedding: same })));
    const first = await post<{ cached: boolean }>(`${base(t.propertyId)}/ask`, {
      question: 'Where can I park my car?',
    });
    const second = await post<{ cached: boolean }>(`${base(t.propertyId)}/ask`, {
      question: 'Is there a garage for my car?',
    });
    openai.transformEmbeddings(undefined);

    expect(first.body.cached).toBe(false);
    expect(second.body.cached).toBe(true);
  });
});
