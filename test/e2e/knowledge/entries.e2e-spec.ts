import { createHash } from 'node:crypto';

import { KnowledgeController } from '@app/knowledge';
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

interface Entry {
  id: string;
  category: string;
  title: string;
  content: string;
  status: string;
  visibility: string;
  contentSha256: string;
  version: number;
  validFrom: string | null;
  validUntil: string | null;
}
interface Version {
  version: number;
  title: string;
  content: string;
  reason: string | null;
  changedBy: string | null;
  fields: Record<string, unknown>;
}

let api: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;

const knowledgeOf = (t: Tenant) => `/api/v1/properties/${t.propertyId}/knowledge`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function create(t: Tenant, body: object, token = t.token) {
  return api.request<Entry>('POST', knowledgeOf(t), { token, body });
}

const breakfast = {
  category: 'dining',
  title: 'Breakfast',
  content: '## Hours\n\nBreakfast is served 7:00–10:30 in the Atrium. Café au lait on request ☕.',
  keywords: ['breakfast', 'morning'],
};

beforeAll(async () => {
  api = await startTestApi();
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'kba');
  b = await signupTenant(api, 'kbb');
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(KnowledgeController.name, () => {
  it('creates an entry with its content hash and a first version', async () => {
    const res = await create(a, breakfast);
    const versions = await api.request<Version[]>('GET', `${knowledgeOf(a)}/${res.body.id}/versions`, {
      token: a.token,
    });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      category: 'dining',
      status: 'active',
      visibility: 'guest',
      version: 1,
      contentSha256: sha(breakfast.content),
    });
    expect(versions.body).toEqual([
      expect.objectContaining({
        version: 1,
        title: 'Breakfast',
        content: breakfast.content,
        reason: 'created',
      }),
    ]);
  });

  it('edits with optimistic locking, keeps every version, and restores an old one as a new version', async () => {
    const entry = (await create(a, { ...breakfast, title: 'Breakfast times' })).body;
    const path = `${knowledgeOf(a)}/${entry.id}`;
    const edit = (body: object) => api.request<Entry>('PATCH', path, { token: a.token, body });

    const second = await edit({
      version: 1,
      content: 'Breakfast is served 6:30–10:00.',
      reason: 'winter hours',
    });
    const stale = await edit({ version: 1, title: 'Lost update' });
    const third = await edit({ version: 2, visibility: 'internal', status: 'draft' });
    const restored = await api.request<Entry>('POST', `${path}/versions/1/restore`, {
      token: a.token,
      body: { version: 3 },
    });
    const versions = await api.request<Version[]>('GET', `${path}/versions`, { token: a.token });

    expect(second.body).toMatchObject({ version: 2, contentSha256: sha('Breakfast is served 6:30–10:00.') });
    expectProblem(stale, 409, 'version_conflict');
    expect(third.body).toMatchObject({ version: 3, visibility: 'internal', status: 'draft' });
    expect(restored.body).toMatchObject({
      version: 4,
      title: 'Breakfast times',
      content: breakfast.content,
      contentSha256: sha(breakfast.content),
      visibility: 'guest',
      status: 'active',
    });
    expect(versions.body.map((v) => [v.version, v.reason])).toEqual([
      [4, 'restored version 1'],
      [3, null],
      [2, 'winter hours'],
      [1, 'created'],
    ]);
    expect(versions.body[0].changedBy).toBe(a.userId);
    expectProblem(
      await api.request('POST', `${path}/versions/9/restore`, { token: a.token, body: { version: 4 } }),
      404,
      'knowledge_version_not_found',
    );
  });

  it('lists with filters and cursor pages, newest change first', async () => {
    const t = await signupTenant(api, 'kbl');
    for (let i = 0; i < 5; i++)
      await create(t, {
        category: i % 2 ? 'policy' : 'amenity',
        title: `Rule ${i}`,
        content: `Pets rule number ${i}`,
      });
    await create(t, { category: 'faq', title: 'Spa', content: 'The spa opens at nine.', language: 'fr' });
    const list = (query: string) =>
      api.request<{ items: Entry[]; nextCursor: string | null }>('GET', `${knowledgeOf(t)}?${query}`, {
        token: t.token,
      });

    const first = await list('limit=4');
    const second = await list(`limit=4&cursor=${first.body.nextCursor}`);
    const policies = await list('category=policy');
    const spa = await list('q=spa');
    const french = await list('language=fr');

    expect(first.body.items).toHaveLength(4);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...first.body.items, ...second.body.items].map((e) => e.id)).size).toBe(6);
    expect(first.body.items[0].title).toBe('Spa');
    expect(policies.body.items.map((e) => e.title).sort()).toEqual(['Rule 1', 'Rule 3']);
    expect(spa.body.items.map((e) => e.title)).toEqual(['Spa']);
    expect(french.body.items.map((e) => e.title)).toEqual(['Spa']);
  });

  it('refuses bad input with a clear problem and writes nothing', async () => {
    const t = await signupTenant(api, 'kbx');
    const cases: [object, number, string][] = [
      [{ ...breakfast, content: '   ' }, 400, 'validation_failed'],
      [{ ...breakfast, content: 'x'.repeat(100 * 1024 + 1) }, 413, 'content_too_large'],
      [{ ...breakfast, category: 'gossip' }, 400, 'validation_failed'],
      [{ ...breakfast, validFrom: '2026-13-01T00:00:00Z' }, 400, 'validation_failed'],
      [
        { ...breakfast, validFrom: '2026-06-01T00:00:00Z', validUntil: '2026-05-01T00:00:00Z' },
        400,
        'invalid_validity',
      ],
      [{ ...breakfast, priority: 11 }, 400, 'validation_failed'],
      [{ ...breakfast, sourceUrl: 'javascript:alert(1)' }, 400, 'validation_failed'],
      [{ ...breakfast, embedding: [1, 2] }, 400, 'validation_failed'],
    ];

    for (const [body, status, code] of cases) expectProblem(await create(t, body), status, code);
    const unicode = await create(t, { ...breakfast, content: 'é'.repeat(51 * 1024) }); // 102 KB in UTF-8
    expectProblem(unicode, 413, 'content_too_large');
    const rows = await admin.query('select 1 from knowledge.entries where property_id = $1', [t.propertyId]);
    expect(rows.rows).toHaveLength(0);
  });

  it("lets staff read but only managers and the concierge write; never another property's entries", async () => {
    const entry = (await create(a, breakfast)).body;
    const housekeeping = await addStaff(api, a, 'housekeeping');
    const concierge = await addStaff(api, a, 'concierge');
    const path = `${knowledgeOf(a)}/${entry.id}`;
    const routes: [string, string, unknown][] = [
      ['GET', '', undefined],
      ['PATCH', '', { version: 1, title: 'x' }],
      ['DELETE', '', undefined],
      ['GET', '/versions', undefined],
      ['POST', '/versions/1/restore', { version: 1 }],
    ];

    expect((await api.request('GET', path, { token: housekeeping.token })).status).toBe(200);
    expectProblem(await create(a, breakfast, housekeeping.token), 403, 'forbidden');
    expect((await create(a, { ...breakfast, title: 'Taxi' }, concierge.token)).status).toBe(201);
    for (const [method, suffix, body] of routes) {
      expectProblem(
        await api.request(method, `${path}${suffix}`, { token: b.token, body }),
        403,
        'property_forbidden',
      );
      expectProblem(
        await api.request(method, `${knowledgeOf(b)}/${entry.id}${suffix}`, { token: b.token, body }),
        404,
        'knowledge_entry_not_found',
      );
    }
    const listed = await api.request<{ items: Entry[] }>('GET', knowledgeOf(b), { token: b.token });
    expect(listed.body.items.map((e) => e.id)).not.toContain(entry.id);
    expect((await api.request<Entry>('GET', path, { token: a.token })).body.version).toBe(1);
  });

  it('deletes an entry with its history, and says so in an event', async () => {
    const entry = (await create(a, { ...breakfast, title: 'Old shuttle times' })).body;

    const gone = await api.request('DELETE', `${knowledgeOf(a)}/${entry.id}`, { token: a.token });

    expect(gone.status).toBe(204);
    expectProblem(
      await api.request('GET', `${knowledgeOf(a)}/${entry.id}`, { token: a.token }),
      404,
      'knowledge_entry_not_found',
    );
    const versions = await admin.query('select 1 from knowledge.entry_versions where entry_id = $1', [
      entry.id,
    ]);
    expect(versions.rows).toHaveLength(0);
    const events = await admin.query<{ type: string }>(
      `select payload->>'type' as type from platform.outbox where property_id = $1 and payload->'data'->>'entryId' = $2
        order by id`,
      [a.propertyId, entry.id],
    );
    expect(events.rows.map((r) => r.type)).toEqual(['knowledge.entry.created', 'knowledge.entry.deleted']);
  });
});
