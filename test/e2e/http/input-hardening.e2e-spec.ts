import { ReservationsController } from '@app/reservation';
import { expectProblem, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

describe(`${ReservationsController.name} and guests: hostile input`, () => {
  let api: TestApi;
  let tenant: Tenant;
  let base: string;
  let guestId: string;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = await signupTenant(api, 'hardening');
    base = `/api/v1/properties/${tenant.propertyId}`;
    const guest = await api.request<{ id: string }>('POST', `${base}/guests`, {
      token: tenant.token,
      body: { firstName: 'Hard', lastName: 'Ening' },
    });
    guestId = guest.body.id;
  });

  afterAll(async () => {
    await api.close();
  });

  const book = (body: Record<string, unknown>) =>
    api.request<{ id: string; version: number }>('POST', `${base}/reservations`, {
      token: tenant.token,
      body: { guestId, roomType: 'Double', arrivalDate: '2026-03-07', departureDate: '2026-03-09', ...body },
    });

  it('answers 400, never 500, to values PostgreSQL cannot store, and writes nothing', async () => {
    const nul = await api.request('POST', `${base}/guests`, {
      token: tenant.token,
      body: { firstName: 'Bad\u0000Byte', lastName: 'Name' },
    });
    const hugeVersion = await api.request('PATCH', `${base}/guests/${guestId}`, {
      token: tenant.token,
      body: { version: 1e12, notes: 'x' },
    });
    const yearZero = await book({ confirmationNumber: 'H-0', arrivalDate: '0000-01-01' });
    const weekDate = await book({ confirmationNumber: 'H-1', estimatedArrival: '2026-W48-2' });
    const list = await api.request<{ items: unknown[] }>('GET', `${base}/reservations`, {
      token: tenant.token,
    });
    const guests = await api.request<{ items: unknown[] }>('GET', `${base}/guests`, { token: tenant.token });

    expect(nul.status).toBe(400);
    expect(hugeVersion.status).toBe(400);
    expect(yearZero.status).toBe(400);
    expect(weekDate.status).toBe(400);
    expect(list.body.items).toHaveLength(0);
    expect(guests.body.items).toHaveLength(1);
  });

  it('refuses to edit a closed reservation and dates the stay by its departure', async () => {
    const res = await book({ confirmationNumber: 'H-2', totalRate: 100 });
    await api.request('POST', `${base}/reservations/${res.body.id}/check-in`, {
      token: tenant.token,
      body: {},
    });
    await api.request('POST', `${base}/reservations/${res.body.id}/check-out`, { token: tenant.token });
    const current = await api.request<{ version: number }>('GET', `${base}/reservations/${res.body.id}`, {
      token: tenant.token,
    });

    const edit = await api.request('PATCH', `${base}/reservations/${res.body.id}`, {
      token: tenant.token,
      body: { version: current.body.version, totalRate: 99999 },
    });
    const guest = await api.request<{ lastStayDate: string; totalRevenue: string }>(
      'GET',
      `${base}/guests/${guestId}`,
      {
        token: tenant.token,
      },
    );

    expectProblem(edit, 409, 'invalid_transition');
    expect(guest.body).toMatchObject({ lastStayDate: '2026-03-09', totalRevenue: '100.00' });
  });
});
