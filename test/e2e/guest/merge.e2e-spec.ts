import { GuestsController } from '@app/guest';
import { expectProblem, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

interface Guest {
  id: string;
  email: string | null;
  phone: string | null;
  externalIds: Record<string, string>;
  preferences: { key: string; value: string }[];
  tags: string[];
  stayCount: number;
  totalRevenue: string;
  version: number;
}

describe(`${GuestsController.name} merge`, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    api = await startTestApi();
    a = await signupTenant(api, 'merge-a');
    b = await signupTenant(api, 'merge-b');
  });

  afterAll(async () => {
    await api.close();
  });

  const base = (t: Tenant) => `/api/v1/properties/${t.propertyId}`;
  const createGuest = async (t: Tenant, body: Record<string, unknown>) => {
    const res = await api.request<Guest>('POST', `${base(t)}/guests`, { token: t.token, body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const reservation = async (t: Tenant, guestId: string, confirmationNumber: string, totalRate: number) => {
    const res = await api.request<{ id: string }>('POST', `${base(t)}/reservations`, {
      token: t.token,
      body: {
        guestId,
        confirmationNumber,
        roomType: 'Double',
        arrivalDate: '2026-10-01',
        departureDate: '2026-10-03',
        totalRate,
      },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  it('folds the duplicate into the target in one step: profile, stays and reservations follow', async () => {
    const target = await createGuest(a, {
      firstName: 'Maria',
      lastName: 'Santos',
      email: 'maria@example.com',
      externalIds: { pms: 'P-1' },
      tags: ['vip'],
    });
    const source = await createGuest(a, {
      firstName: 'M.',
      lastName: 'Santos',
      phone: '+351912000111',
      externalIds: { loyalty: 'L-7' },
      tags: ['repeat'],
    });
    await api.request('POST', `${base(a)}/guests/${target.id}/preferences`, {
      token: a.token,
      body: { category: 'room', key: 'floor', value: 'high' },
    });
    await api.request('POST', `${base(a)}/guests/${source.id}/preferences`, {
      token: a.token,
      body: { category: 'room', key: 'floor', value: 'low' },
    });
    await api.request('POST', `${base(a)}/guests/${source.id}/preferences`, {
      token: a.token,
      body: { category: 'room', key: 'pillow', value: 'soft' },
    });
    const stayed = await reservation(a, source.id, 'M-1', 300.25);
    await reservation(a, source.id, 'M-2', 100);
    await api.request('POST', `${base(a)}/reservations/${stayed}/check-in`, { token: a.token, body: {} });
    await api.request('POST', `${base(a)}/reservations/${stayed}/check-out`, { token: a.token });

    const merged = await api.request<Guest>('POST', `${base(a)}/guests/${target.id}/merge`, {
      token: a.token,
      body: { sourceGuestId: source.id },
    });
    const sourceAfter = await api.request('GET', `${base(a)}/guests/${source.id}`, { token: a.token });
    const reservations = await api.request<{ items: { guestId: string; confirmationNumber: string }[] }>(
      'GET',
      `${base(a)}/reservations?guestId=${target.id}`,
      { token: a.token },
    );
    const audit = await api.request<{ items: { resourceId: string }[] }>(
      'GET',
      `${base(a)}/audit-log?action=guest.merge`,
      {
        token: a.token,
      },
    );

    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      email: 'maria@example.com',
      phone: '+351912000111',
      externalIds: { pms: 'P-1', loyalty: 'L-7' },
      stayCount: 1,
      totalRevenue: '300.25',
      version: target.version + 2,
    });
    expect(merged.body.tags.sort()).toEqual(['repeat', 'vip']);
    expect(merged.body.preferences.map((p) => `${p.key}=${p.value}`).sort()).toEqual([
      'floor=high',
      'pillow=soft',
    ]);
    expectProblem(sourceAfter, 404, 'guest_not_found');
    expect(reservations.body.items.map((r) => r.confirmationNumber).sort()).toEqual(['M-1', 'M-2']);
    expect(audit.body.items.map((e) => e.resourceId)).toContain(target.id);
  });

  it('refuses to merge a guest into itself, a deleted guest, a guest of another property or clashing PMS ids, changing nothing', async () => {
    const target = await createGuest(a, { firstName: 'Ana', lastName: 'Lima' });
    const deleted = await createGuest(a, { firstName: 'Old', lastName: 'Lima' });
    await api.request('DELETE', `${base(a)}/guests/${deleted.id}`, { token: a.token });
    const foreign = await createGuest(b, { firstName: 'Bea', lastName: 'Other' });

    const self = await api.request('POST', `${base(a)}/guests/${target.id}/merge`, {
      token: a.token,
      body: { sourceGuestId: target.id },
    });
    const gone = await api.request('POST', `${base(a)}/guests/${target.id}/merge`, {
      token: a.token,
      body: { sourceGuestId: deleted.id },
    });
    const other = await api.request('POST', `${base(a)}/guests/${target.id}/merge`, {
      token: a.token,
      body: { sourceGuestId: foreign.id },
    });
    const foreignAfter = await api.request<Guest>('GET', `${base(b)}/guests/${foreign.id}`, {
      token: b.token,
    });
    const targetAfter = await api.request<Guest>('GET', `${base(a)}/guests/${target.id}`, { token: a.token });

    const clashing = await createGuest(a, {
      firstName: 'Ana',
      lastName: 'Lima',
      externalIds: { pms: 'X-2' },
    });
    const withPms = await createGuest(a, { firstName: 'Ana', lastName: 'Lima', externalIds: { pms: 'X-1' } });
    const clash = await api.request('POST', `${base(a)}/guests/${withPms.id}/merge`, {
      token: a.token,
      body: { sourceGuestId: clashing.id },
    });
    const clashingAfter = await api.request('GET', `${base(a)}/guests/${clashing.id}`, { token: a.token });

    expectProblem(clash, 409, 'external_id_conflict');
    expect(clashingAfter.status).toBe(200);
    expectProblem(self, 400, 'validation_failed');
    expectProblem(gone, 404, 'guest_not_found');
    expectProblem(other, 404, 'guest_not_found');
    expect(foreignAfter.status).toBe(200);
    expect(targetAfter.body.version).toBe(target.version);
  });

  it('lists only guests staying over the night of ?inHouse (not cancelled, not another property)', async () => {
    const staying = await createGuest(a, { firstName: 'In', lastName: 'House', tags: ['inhouse-test'] });
    const leaving = await createGuest(a, { firstName: 'Left', lastName: 'Before', tags: ['inhouse-test'] });
    const cancelled = await createGuest(a, { firstName: 'Never', lastName: 'Came', tags: ['inhouse-test'] });
    const foreign = await createGuest(b, { firstName: 'Other', lastName: 'Hotel', tags: ['inhouse-test'] });
    const book = (t: Tenant, guestId: string, n: string, arrivalDate: string, departureDate: string) =>
      api.request<{ id: string }>('POST', `${base(t)}/reservations`, {
        token: t.token,
        body: { guestId, confirmationNumber: n, roomType: 'Double', arrivalDate, departureDate },
      });
    await book(a, staying.id, 'IH-1', '2026-12-09', '2026-12-12');
    await book(a, leaving.id, 'IH-2', '2026-12-08', '2026-12-10');
    const toCancel = await book(a, cancelled.id, 'IH-3', '2026-12-09', '2026-12-11');
    await api.request('POST', `${base(a)}/reservations/${toCancel.body.id}/cancel`, { token: a.token });
    await book(b, foreign.id, 'IH-4', '2026-12-09', '2026-12-12');

    const res = await api.request<{ items: { id: string }[] }>(
      'GET',
      `${base(a)}/guests?inHouse=2026-12-10&tag=inhouse-test`,
      { token: a.token },
    );
    const badDate = await api.request('GET', `${base(a)}/guests?inHouse=2026-02-30`, { token: a.token });

    expect(res.body.items.map((g) => g.id)).toEqual([staying.id]);
    expectProblem(badDate, 400, 'validation_failed');
  });
});
