import { ReservationsController } from '@app/reservation';
import { signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';
import { DateTime } from 'luxon';

describe(`${ReservationsController.name} in-house`, () => {
  let api: TestApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = await signupTenant(api, 'early');
  });

  afterAll(async () => {
    await api.close();
  });

  it('drops a guest who checked out early from tonight, but not from the nights already spent', async () => {
    const base = `/api/v1/properties/${tenant.propertyId}`;
    const today = DateTime.now().setZone('Europe/Lisbon');
    const guest = await api.request<{ id: string }>('POST', `${base}/guests`, {
      token: tenant.token,
      body: { firstName: 'Early', lastName: 'Leaver' },
    });
    const stay = await api.request<{ id: string }>('POST', `${base}/reservations`, {
      token: tenant.token,
      body: {
        guestId: guest.body.id,
        confirmationNumber: 'EARLY-1',
        roomType: 'Double',
        arrivalDate: today.minus({ days: 2 }).toISODate(),
        departureDate: today.plus({ days: 3 }).toISODate(),
      },
    });
    await api.request('POST', `${base}/reservations/${stay.body.id}/check-in`, {
      token: tenant.token,
      body: {},
    });
    const inHouse = async (date: string) =>
      (
        await api.request<{ items: { id: string }[] }>('GET', `${base}/reservations/in-house?date=${date}`, {
          token: tenant.token,
        })
      ).body.items.map((r) => r.id);
    const before = await inHouse(today.toISODate()!);

    await api.request('POST', `${base}/reservations/${stay.body.id}/check-out`, { token: tenant.token });
    // Read the clock again: if midnight passed in Lisbon, "today" moved with it.
    const now = DateTime.now().setZone('Europe/Lisbon');

    expect(before).toEqual([stay.body.id]);
    expect(await inHouse(now.toISODate()!)).toEqual([]);
    expect(await inHouse(now.plus({ days: 1 }).toISODate()!)).toEqual([]);
    expect(await inHouse(now.minus({ days: 1 }).toISODate()!)).toEqual([stay.body.id]);
  });
});
