import { randomBytes, randomInt } from 'node:crypto';

import { GuestsController } from '@app/guest';
import {
  addStaff,
  expectProblem,
  pool,
  type Problem,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';

interface Preference {
  category: string;
  key: string;
  value: string;
  source: string;
}

interface Guest {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  language: string;
  loyaltyTier: string | null;
  vipStatus: string | null;
  externalIds: Record<string, string>;
  preferences: Preference[];
  stayCount: number;
  tags: string[];
  version: number;
}

interface Page {
  items: Guest[];
  nextCursor: string | null;
}

const unique = () => randomBytes(4).toString('hex');
/** A valid Portuguese mobile number written nationally, e.g. "91 2345678" → +351912345678. */
const ptMobile = () => {
  const digits = `91${randomInt(0, 10_000_000).toString().padStart(7, '0')}`;
  return {
    national: `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`,
    e164: `+351${digits}`,
  };
};

describe(GuestsController.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;

  const guestsOf = (tenant: Tenant) => `/api/v1/properties/${tenant.propertyId}/guests`;

  async function createGuest(tenant: Tenant, body: Record<string, unknown>, token = tenant.token) {
    const res = await api.request<Guest>('POST', guestsOf(tenant), { token, body });
    if (res.status !== 201) throw new Error(`create guest failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function list(tenant: Tenant, query: string, token = tenant.token) {
    const res = await api.request<Page>('GET', `${guestsOf(tenant)}?${query}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    api = await startTestApi();
    a = await signupTenant(api, 'guest-a');
    b = await signupTenant(api, 'guest-b');
    const patched = await api.request<{ settings: { country: string | null } }>(
      'PATCH',
      `/api/v1/properties/${a.propertyId}`,
      { token: a.token, body: { settings: { country: 'PT' } } },
    );
    if (patched.status !== 200 || patched.body.settings.country !== 'PT')
      throw new Error(`setting the country failed: ${patched.status} ${JSON.stringify(patched.body)}`);
  });

  afterAll(async () => {
    await api.close();
  });

  describe('create', () => {
    it('stores the email lower-case and a national phone as E.164 in the property’s country', async () => {
      const id = unique();

      const res = await api.request<Guest>('POST', guestsOf(a), {
        token: a.token,
        body: {
          firstName: 'Ana',
          lastName: 'Costa',
          email: `Ana.Costa-${id}@Example.COM`,
          phone: '912 345 678',
        },
      });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        firstName: 'Ana',
        lastName: 'Costa',
        email: `ana.costa-${id}@example.com`,
        phone: '+351912345678',
        version: 1,
        stayCount: 0,
        preferences: [],
      });
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${res.body.id}`, { token: a.token });
      expect(read.body).toMatchObject({ email: `ana.costa-${id}@example.com`, phone: '+351912345678' });
    });

    it('stores an international phone in any format as E.164', async () => {
      const res = await api.request<Guest>('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'John', lastName: 'Walker', phone: '+1 (415) 555-2671' },
      });

      expect(res.status).toBe(201);
      expect(res.body.phone).toBe('+14155552671');
    });

    it('answers 400 validation_failed naming an unknown field', async () => {
      const res = await api.request<Problem>('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Eve', lastName: 'Unknown', favouriteColour: 'blue' },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['favouriteColour']);
    });

    it.each([
      ['id', { id: '00000000-0000-4000-8000-000000000000' }],
      ['version', { version: 7 }],
      ['stayCount', { stayCount: 42 }],
    ])('answers 400 validation_failed when the client sends the server-owned %s', async (field, extra) => {
      const lastName = `Owned-${unique()}`;

      const res = await api.request<Problem>('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Sam', lastName, ...extra },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
      expect((await list(a, `q=${lastName}`)).items).toEqual([]);
    });

    it.each(['language', 'externalIds', 'tags'])(
      'answers 400 validation_failed naming %s when it is sent as null',
      async (field) => {
        const lastName = `Null-${unique()}`;

        const res = await api.request<Problem>('POST', guestsOf(a), {
          token: a.token,
          body: { firstName: 'Nil', lastName, [field]: null },
        });

        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors?.map((e) => e.field)).toContain(field);
        expect((await list(a, `q=${lastName}`)).items).toEqual([]);
      },
    );

    it('answers 400 with errors[0].code invalid_phone for an unparsable phone', async () => {
      const res = await api.request<Problem>('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Bad', lastName: 'Phone', phone: '12ab' },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.[0]).toMatchObject({ field: 'phone', code: 'invalid_phone' });
    });

    it('answers 409 guest_email_taken for an email another guest has in a different case', async () => {
      const email = `dup-${unique()}@example.com`;
      await createGuest(a, { firstName: 'First', lastName: 'Owner', email });

      const res = await api.request('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Second', lastName: 'Claimant', email: email.toUpperCase() },
      });

      expectProblem(res, 409, 'guest_email_taken');
      expect((await list(a, `email=${encodeURIComponent(email)}`)).items).toHaveLength(1);
    });

    it('answers 409 guest_phone_taken for a phone another guest has in another format', async () => {
      const phone = ptMobile();
      await createGuest(a, { firstName: 'First', lastName: 'Caller', phone: phone.national });

      const res = await api.request('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Second', lastName: 'Caller', phone: phone.e164.replace('+351', '+351 ') },
      });

      expectProblem(res, 409, 'guest_phone_taken');
      expect((await list(a, `phone=${encodeURIComponent(phone.e164)}`)).items).toHaveLength(1);
    });
  });

  describe('list', () => {
    const tag = `dir-${unique()}`;
    const email = `maria.santos-${unique()}@example.com`;
    const phone = ptMobile();
    const pms = `${randomInt(10_000, 99_999)}`;
    let maria: Guest;
    let byName: Guest[];

    beforeAll(async () => {
      maria = await createGuest(a, {
        firstName: 'Maria',
        lastName: 'Santos',
        email,
        phone: phone.national,
        externalIds: { pms },
        vipStatus: 'vip1',
        loyaltyTier: 'platinum',
        tags: [tag],
      });
      const others = [
        await createGuest(a, { firstName: 'Bruno', lastName: 'Almeida', tags: [tag], loyaltyTier: 'gold' }),
        await createGuest(a, { firstName: 'Zoe', lastName: 'Santos', tags: [tag] }),
        await createGuest(a, { firstName: 'Marco', lastName: 'Teixeira', tags: [tag] }),
        await createGuest(a, { firstName: 'Adam', lastName: 'Almeida', tags: [tag] }),
      ];
      byName = [others[3], others[0], maria, others[1], others[2]];
    });

    it('finds a guest by name prefixes ("mar san" → Maria Santos)', async () => {
      const page = await list(a, `q=${encodeURIComponent('mar san')}&tag=${tag}`);

      expect(page.items.map((g) => g.id)).toEqual([maria.id]);
    });

    it('finds a guest by exact email in any case', async () => {
      const page = await list(a, `email=${encodeURIComponent(email.toUpperCase())}`);

      expect(page.items.map((g) => g.id)).toEqual([maria.id]);
    });

    it.each([
      ['national', () => phone.national],
      ['E.164', () => phone.e164],
      ['international with 00', () => `00${phone.e164.slice(1)}`],
    ])('finds a guest by phone written in %s format', async (_, written) => {
      const page = await list(a, `phone=${encodeURIComponent(written())}`);

      expect(page.items.map((g) => g.id)).toEqual([maria.id]);
    });

    it('finds a guest by external id system:id and nothing for another id', async () => {
      const found = await list(a, `externalId=${encodeURIComponent(`pms:${pms}`)}`);
      const missed = await list(a, `externalId=${encodeURIComponent(`pms:${pms}0`)}&tag=${tag}`);

      expect(found.items.map((g) => g.id)).toEqual([maria.id]);
      expect(missed.items).toEqual([]);
    });

    it('filters by vip, loyalty tier and tag', async () => {
      const vip = await list(a, `vip=true&tag=${tag}`);
      const notVip = await list(a, `vip=false&tag=${tag}`);
      const gold = await list(a, `loyaltyTier=gold&tag=${tag}`);
      const tagged = await list(a, `tag=${tag}`);

      expect(vip.items.map((g) => g.id)).toEqual([maria.id]);
      expect(notVip.items.map((g) => g.id).sort()).toEqual(
        byName
          .filter((g) => g.id !== maria.id)
          .map((g) => g.id)
          .sort(),
      );
      expect(gold.items.map((g) => `${g.firstName} ${g.lastName}`)).toEqual(['Bruno Almeida']);
      expect(tagged.items).toHaveLength(5);
    });

    it('orders by last name, then first name', async () => {
      const page = await list(a, `tag=${tag}`);

      expect(page.items.map((g) => `${g.firstName} ${g.lastName}`)).toEqual([
        'Adam Almeida',
        'Bruno Almeida',
        'Maria Santos',
        'Zoe Santos',
        'Marco Teixeira',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('returns every guest exactly once across pages of 2, in order', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(a, `tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((g) => g.id));
        sizes.push(page.items.length);
        cursor = page.nextCursor;
      } while (cursor && sizes.length < 10);

      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(byName.map((g) => g.id));
    });

    it('answers 400 validation_failed for limit=101', async () => {
      const res = await api.request<Problem>('GET', `${guestsOf(a)}?limit=101`, { token: a.token });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['limit']);
    });

    it.each([
      ['garbage', 'not-a-cursor'],
      ['a forged JSON cursor', Buffer.from(JSON.stringify(['a', 'b', "x' or 1=1"])).toString('base64url')],
    ])('answers 400 validation_failed for %s as cursor', async (_, cursor) => {
      const res = await api.request<Problem>('GET', `${guestsOf(a)}?cursor=${cursor}`, { token: a.token });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['cursor']);
    });
  });

  describe('get, update', () => {
    it('returns one guest', async () => {
      const guest = await createGuest(a, { firstName: 'Rita', lastName: 'Lopes', language: 'pt' });

      const res = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(guest);
    });

    it('applies a PATCH with the current version and bumps the version', async () => {
      const guest = await createGuest(a, { firstName: 'Rui', lastName: 'Pinto' });

      const res = await api.request<Guest>('PATCH', `${guestsOf(a)}/${guest.id}`, {
        token: a.token,
        body: { version: 1, firstName: 'Rui Miguel', vipStatus: 'vip2' },
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        firstName: 'Rui Miguel',
        lastName: 'Pinto',
        vipStatus: 'vip2',
        version: 2,
      });
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });
      expect(read.body).toMatchObject({ firstName: 'Rui Miguel', version: 2 });
    });

    it('answers 409 version_conflict for a stale version and changes nothing', async () => {
      const guest = await createGuest(a, { firstName: 'Vera', lastName: 'Mota' });
      await api.request('PATCH', `${guestsOf(a)}/${guest.id}`, {
        token: a.token,
        body: { version: 1, notes: 'first writer' },
      });
      const before = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });

      const res = await api.request('PATCH', `${guestsOf(a)}/${guest.id}`, {
        token: a.token,
        body: { version: 1, firstName: 'Overwritten', notes: 'second writer' },
      });

      expectProblem(res, 409, 'version_conflict');
      const after = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });
      expect(before.body.version).toBe(2);
      expect(after.body).toEqual(before.body);
    });

    it.each(['firstName', 'lastName', 'language', 'externalIds', 'tags'])(
      'answers 400 validation_failed when %s, which cannot be empty, is PATCHed to null',
      async (field) => {
        const guest = await createGuest(a, { firstName: 'Keep', lastName: 'Values', tags: ['kept'] });

        const res = await api.request<Problem>('PATCH', `${guestsOf(a)}/${guest.id}`, {
          token: a.token,
          body: { version: guest.version, [field]: null },
        });

        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors?.map((e) => e.field)).toContain(field);
        const read = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });
        expect(read.body).toEqual(guest);
      },
    );

    it('removes the email when PATCHed to null', async () => {
      const email = `null-me-${unique()}@example.com`;
      const guest = await createGuest(a, { firstName: 'Nuno', lastName: 'Dias', email });

      const res = await api.request<Guest>('PATCH', `${guestsOf(a)}/${guest.id}`, {
        token: a.token,
        body: { version: guest.version, email: null },
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: null, version: guest.version + 1 });
      expect((await list(a, `email=${encodeURIComponent(email)}`)).items).toEqual([]);
    });
  });

  describe('remove', () => {
    it('answers 204, then hides the guest and frees its email for a new guest', async () => {
      const email = `gone-${unique()}@example.com`;
      const lastName = `Gone${unique()}`;
      const guest = await createGuest(a, { firstName: 'Leaving', lastName, email });

      const res = await api.request('DELETE', `${guestsOf(a)}/${guest.id}`, { token: a.token });

      expect(res.status).toBe(204);
      expectProblem(
        await api.request('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token }),
        404,
        'guest_not_found',
      );
      expect((await list(a, `q=${lastName}`)).items).toEqual([]);
      expect((await list(a, `email=${encodeURIComponent(email)}`)).items).toEqual([]);
      const again = await api.request<Guest>('POST', guestsOf(a), {
        token: a.token,
        body: { firstName: 'Returning', lastName, email },
      });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(guest.id);
      expect((await list(a, `email=${encodeURIComponent(email)}`)).items.map((g) => g.id)).toEqual([
        again.body.id,
      ]);
    });

    it('answers 404 guest_not_found when deleting twice', async () => {
      const guest = await createGuest(a, { firstName: 'Twice', lastName: 'Deleted' });
      await api.request('DELETE', `${guestsOf(a)}/${guest.id}`, { token: a.token });

      const res = await api.request('DELETE', `${guestsOf(a)}/${guest.id}`, { token: a.token });

      expectProblem(res, 404, 'guest_not_found');
    });
  });

  describe('preferences', () => {
    let guest: Guest;
    const prefs = () => `${guestsOf(a)}/${guest.id}/preferences`;

    beforeEach(async () => {
      guest = await createGuest(a, { firstName: 'Pref', lastName: `Erences${unique()}` });
    });

    it('adds a preference with its category, key, value and source', async () => {
      const res = await api.request<Guest>('POST', prefs(), {
        token: a.token,
        body: { category: 'room', key: 'floor', value: 'high', source: 'learned' },
      });

      expect(res.status).toBe(201);
      expect(res.body.preferences).toEqual([
        { category: 'room', key: 'floor', value: 'high', source: 'learned' },
      ]);
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });
      expect(read.body.preferences).toEqual(res.body.preferences);
    });

    it('replaces a preference with the same key, keeping one entry', async () => {
      await api.request('POST', prefs(), {
        token: a.token,
        body: { category: 'room', key: 'floor', value: 'high' },
      });
      await api.request('POST', prefs(), {
        token: a.token,
        body: { category: 'dining', key: 'diet', value: 'vegetarian' },
      });

      const res = await api.request<Guest>('POST', prefs(), {
        token: a.token,
        body: { category: 'room', key: 'floor', value: 'low', source: 'pms' },
      });

      expect(res.status).toBe(201);
      const floors = res.body.preferences.filter((p) => p.key === 'floor');
      expect(floors).toEqual([{ category: 'room', key: 'floor', value: 'low', source: 'pms' }]);
      expect(res.body.preferences).toHaveLength(2);
    });

    it('removes a preference by key', async () => {
      await api.request('POST', prefs(), {
        token: a.token,
        body: { category: 'room', key: 'pillow', value: 'firm' },
      });
      await api.request('POST', prefs(), {
        token: a.token,
        body: { category: 'dining', key: 'diet', value: 'vegan' },
      });

      const res = await api.request<Guest>('DELETE', `${prefs()}/pillow`, { token: a.token });

      expect(res.status).toBe(200);
      expect(res.body.preferences.map((p) => p.key)).toEqual(['diet']);
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${guest.id}`, { token: a.token });
      expect(read.body.preferences.map((p) => p.key)).toEqual(['diet']);
    });

    it('answers 404 guest_preference_not_found for an unknown key', async () => {
      const res = await api.request('DELETE', `${prefs()}/nothing-here`, { token: a.token });

      expectProblem(res, 404, 'guest_preference_not_found');
    });
  });

  describe('another property’s guests', () => {
    let aGuest: Guest;
    let bGuest: Guest;

    beforeAll(async () => {
      aGuest = await createGuest(a, { firstName: 'Alice', lastName: `Ofa${unique()}` });
      bGuest = await createGuest(b, {
        firstName: 'Bob',
        lastName: `Ofb${unique()}`,
        email: `bob-${unique()}@example.com`,
        tags: ['secret'],
      });
    });

    it.each([
      ['GET list', 'GET', () => guestsOf(a), undefined],
      ['POST', 'POST', () => guestsOf(a), { firstName: 'Intruder', lastName: 'B' }],
      ['GET one', 'GET', () => `${guestsOf(a)}/${aGuest.id}`, undefined],
      ['PATCH', 'PATCH', () => `${guestsOf(a)}/${aGuest.id}`, { version: 1, firstName: 'Hijacked' }],
      ['DELETE', 'DELETE', () => `${guestsOf(a)}/${aGuest.id}`, undefined],
      [
        'POST preference',
        'POST',
        () => `${guestsOf(a)}/${aGuest.id}/preferences`,
        { category: 'room', key: 'floor', value: 'x' },
      ],
    ])('answers 403 property_forbidden to B’s owner on A’s %s', async (_, method, path, body) => {
      const res = await api.request(method, path(), { token: b.token, body });

      expectProblem(res, 403, 'property_forbidden');
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${aGuest.id}`, { token: a.token });
      expect(read.body).toEqual(aGuest);
    });

    it.each([
      ['GET', '', undefined],
      ['PATCH', '', { version: 1, firstName: 'Hijacked', tags: ['stolen'] }],
      ['DELETE', '', undefined],
      ['POST', '/preferences', { category: 'room', key: 'floor', value: 'hijacked' }],
      ['DELETE', '/preferences/floor', undefined],
    ])(
      'answers 404 guest_not_found for %s %s with B’s guest id under A’s property, leaving it unchanged',
      async (method, suffix, body) => {
        const res = await api.request(method, `${guestsOf(a)}/${bGuest.id}${suffix}`, {
          token: a.token,
          body,
        });

        expectProblem(res, 404, 'guest_not_found');
        const read = await api.request<Guest>('GET', `${guestsOf(b)}/${bGuest.id}`, { token: b.token });
        expect(read.status).toBe(200);
        expect(read.body).toEqual(bGuest);
      },
    );

    it('never lists B’s guests in A’s directory', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(a, `limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        all.push(...page.items.map((g) => g.id));
        cursor = page.nextCursor;
      } while (cursor);
      const byEmail = await list(a, `email=${encodeURIComponent(bGuest.email!)}`);
      const byTag = await list(a, 'tag=secret');

      expect(all).toContain(aGuest.id);
      expect(all).not.toContain(bGuest.id);
      expect(byEmail.items).toEqual([]);
      expect(byTag.items).toEqual([]);
    });
  });

  describe('roles', () => {
    it('answers 403 forbidden to housekeeping on list and create', async () => {
      const housekeeping = await addStaff(api, a, 'housekeeping');
      const lastName = `Housekept${unique()}`;

      const listed = await api.request('GET', guestsOf(a), { token: housekeeping.token });
      const created = await api.request('POST', guestsOf(a), {
        token: housekeeping.token,
        body: { firstName: 'Not', lastName },
      });

      expectProblem(listed, 403, 'forbidden');
      expectProblem(created, 403, 'forbidden');
      expect((await list(a, `q=${lastName}`)).items).toEqual([]);
    });

    it('lets front desk create and read guests', async () => {
      const frontDesk = await addStaff(api, a, 'front_desk');
      const lastName = `Desk${unique()}`;

      const created = await api.request<Guest>('POST', guestsOf(a), {
        token: frontDesk.token,
        body: { firstName: 'Walk', lastName },
      });
      const read = await api.request<Guest>('GET', `${guestsOf(a)}/${created.body.id}`, {
        token: frontDesk.token,
      });
      const listed = await list(a, `q=${lastName}`, frontDesk.token);

      expect(created.status).toBe(201);
      expect(read.status).toBe(200);
      expect(read.body.lastName).toBe(lastName);
      expect(listed.items.map((g) => g.id)).toEqual([created.body.id]);
    });
  });

  describe('side effects of create', () => {
    let guest: Guest;

    beforeAll(async () => {
      guest = await createGuest(a, { firstName: 'Audited', lastName: `Trail${unique()}` });
    });

    it('writes a guest.create audit entry naming the guest', async () => {
      const res = await api.request<{
        items: { action: string; resourceType: string; resourceId: string }[];
      }>('GET', `/api/v1/properties/${a.propertyId}/audit-log?action=guest.create&limit=200`, {
        token: a.token,
      });

      expect(res.status).toBe(200);
      expect(res.body.items.filter((e) => e.resourceId === guest.id)).toEqual([
        expect.objectContaining({ action: 'guest.create', resourceType: 'guest', resourceId: guest.id }),
      ]);
    });

    it('enqueues a guest.created event in the outbox of the guest’s property', async () => {
      const db = pool(api.db.appUrl, { max: 1 });
      const client = await db.connect();
      let rows: { property_id: string }[];
      try {
        await client.query('begin');
        await client.query(`select set_config('app.property_id', $1, true)`, [a.propertyId]);
        ({ rows } = await client.query<{ property_id: string }>(
          `select property_id from platform.outbox
            where payload->>'type' = 'guest.created' and payload->'data'->>'guestId' = $1`,
          [guest.id],
        ));
        await client.query('commit');
      } finally {
        client.release();
        await db.end();
      }

      expect(rows).toEqual([{ property_id: a.propertyId }]);
    });
  });
});
