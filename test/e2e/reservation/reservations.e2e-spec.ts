import { randomBytes, randomUUID } from 'node:crypto';

import { ReservationsController } from '@app/reservation';
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
import { DateTime } from 'luxon';

interface Reservation {
  id: string;
  guestId: string;
  guestName: string;
  confirmationNumber: string;
  externalId: string | null;
  roomNumber: string | null;
  roomType: string;
  arrivalDate: string;
  departureDate: string;
  status: string;
  actualArrival: string | null;
  actualDeparture: string | null;
  totalRate: string | null;
  balance: string;
  specialRequests: string[];
  notes: string[];
  version: number;
}

interface Page {
  items: Reservation[];
  nextCursor: string | null;
}

interface DayView {
  date: string;
  timezone: string;
  items: Reservation[];
}

interface Guest {
  id: string;
  stayCount: number;
  totalRevenue: string;
  lastStayDate: string | null;
  version: number;
}

type Action = 'check-in' | 'check-out' | 'cancel' | 'no-show';

const unique = () => randomBytes(4).toString('hex');
const todayIn = (zone: string) => DateTime.now().setZone(zone).toISODate()!;
const plusDays = (date: string, days: number) =>
  DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
const ids = (items: { id: string }[]) => items.map((r) => r.id).sort();

describe(ReservationsController.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;
  let aGuest: Guest;
  let bGuest: Guest;

  const reservationsOf = (propertyId: string) => `/api/v1/properties/${propertyId}/reservations`;
  const guestsOf = (propertyId: string) => `/api/v1/properties/${propertyId}/guests`;

  async function createGuest(propertyId: string, token: string, lastName = `Guest${unique()}`) {
    const res = await api.request<Guest>('POST', guestsOf(propertyId), {
      token,
      body: { firstName: 'Ana', lastName },
    });
    if (res.status !== 201) throw new Error(`create guest failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function getGuest(propertyId: string, token: string, id: string) {
    const res = await api.request<Guest>('GET', `${guestsOf(propertyId)}/${id}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  }

  const stay = (guestId: string, extra: Record<string, unknown> = {}) => ({
    guestId,
    confirmationNumber: `CN-${unique()}`,
    roomType: 'Deluxe Double',
    arrivalDate: '2027-01-10',
    departureDate: '2027-01-12',
    ...extra,
  });

  async function createReservation(
    propertyId: string,
    token: string,
    guestId: string,
    extra: Record<string, unknown> = {},
  ) {
    const res = await api.request<Reservation>('POST', reservationsOf(propertyId), {
      token,
      body: stay(guestId, extra),
    });
    if (res.status !== 201)
      throw new Error(`create reservation failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function act(propertyId: string, token: string, id: string, action: Action, body?: unknown) {
    return api.request<Reservation>('POST', `${reservationsOf(propertyId)}/${id}/${action}`, {
      token,
      body,
    });
  }

  async function actOk(propertyId: string, token: string, id: string, action: Action) {
    const res = await act(propertyId, token, id, action);
    if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function getReservation(propertyId: string, token: string, id: string) {
    return api.request<Reservation>('GET', `${reservationsOf(propertyId)}/${id}`, { token });
  }

  async function list(propertyId: string, token: string, query: string) {
    const res = await api.request<Page>('GET', `${reservationsOf(propertyId)}?${query}`, { token });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function day(propertyId: string, token: string, view: string, date?: string) {
    const res = await api.request<DayView>(
      'GET',
      `${reservationsOf(propertyId)}/${view}${date ? `?date=${date}` : ''}`,
      { token },
    );
    expect(res.status).toBe(200);
    return res.body;
  }

  async function createProperty(timezone: string) {
    const res = await api.request<{ id: string; timezone: string }>('POST', '/api/v1/properties', {
      token: a.token,
      body: { name: `Hotel ${timezone}`, code: `tz-${unique()}`, timezone },
    });
    if (res.status !== 201 || res.body.timezone !== timezone)
      throw new Error(`create property failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  beforeAll(async () => {
    api = await startTestApi();
    a = await signupTenant(api, 'resv-a');
    b = await signupTenant(api, 'resv-b');
    aGuest = await createGuest(a.propertyId, a.token, 'Costa');
    bGuest = await createGuest(b.propertyId, b.token, 'Other');
  });

  afterAll(async () => {
    await api.close();
  });

  describe('create', () => {
    it('answers 201 with a confirmed reservation at version 1 naming its guest', async () => {
      const externalId = `PMS-${unique()}`;
      const body = stay(aGuest.id, {
        externalId,
        totalRate: 540.5,
        specialRequests: ['late arrival'],
      });

      const res = await api.request<Reservation>('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body,
      });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        guestId: aGuest.id,
        guestName: 'Ana Costa',
        confirmationNumber: body.confirmationNumber,
        externalId,
        roomNumber: null,
        arrivalDate: '2027-01-10',
        departureDate: '2027-01-12',
        status: 'confirmed',
        totalRate: '540.50',
        balance: '0.00',
        specialRequests: ['late arrival'],
        notes: [],
        actualArrival: null,
        actualDeparture: null,
        version: 1,
      });
      const read = await getReservation(a.propertyId, a.token, res.body.id);
      expect(read.body).toEqual(res.body);
    });

    it.each([
      ['on the arrival date', '2027-02-10'],
      ['before the arrival date', '2027-02-09'],
    ])('answers 400 validation_failed when departure is %s, creating nothing', async (_, departureDate) => {
      const guest = await createGuest(a.propertyId, a.token);

      const res = await api.request<Problem>('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(guest.id, { arrivalDate: '2027-02-10', departureDate }),
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['departureDate']);
      expect((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items).toEqual([]);
    });

    it.each(['arrivalDate', 'departureDate'])(
      'answers 400 validation_failed naming %s for the impossible date 2026-02-30',
      async (field) => {
        const res = await api.request<Problem>('POST', reservationsOf(a.propertyId), {
          token: a.token,
          body: stay(aGuest.id, {
            arrivalDate: '2026-02-27',
            departureDate: '2026-03-02',
            [field]: '2026-02-30',
          }),
        });

        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
      },
    );

    it.each([
      ['favouriteColour', { favouriteColour: 'blue' }],
      ['status', { status: 'checked_in' }],
      ['id', { id: randomUUID() }],
      ['version', { version: 7 }],
    ])('answers 400 validation_failed naming %s, which the client may not send', async (field, extra) => {
      const guest = await createGuest(a.propertyId, a.token);

      const res = await api.request<Problem>('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(guest.id, extra),
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
      expect((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items).toEqual([]);
    });

    it('answers 400 validation_failed for a totalRate with 3 decimals', async () => {
      const res = await api.request<Problem>('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(aGuest.id, { totalRate: 540.505 }),
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['totalRate']);
    });

    it('answers 404 guest_not_found for an unknown guest', async () => {
      const res = await api.request('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(randomUUID()),
      });

      expectProblem(res, 404, 'guest_not_found');
    });

    it('answers 404 guest_not_found for another property’s guest and creates nothing', async () => {
      const body = stay(bGuest.id);

      const res = await api.request('POST', reservationsOf(a.propertyId), { token: a.token, body });

      expectProblem(res, 404, 'guest_not_found');
      expect((await list(a.propertyId, a.token, `guestId=${bGuest.id}`)).items).toEqual([]);
      expect((await list(b.propertyId, b.token, `guestId=${bGuest.id}`)).items).toEqual([]);
      const again = await api.request('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: { ...body, guestId: aGuest.id },
      });
      expect(again.status).toBe(201);
    });

    it('answers 409 confirmation_number_taken for a confirmation number already in use', async () => {
      const guest = await createGuest(a.propertyId, a.token);
      const first = await createReservation(a.propertyId, a.token, guest.id);

      const res = await api.request('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(guest.id, { confirmationNumber: first.confirmationNumber }),
      });

      expectProblem(res, 409, 'confirmation_number_taken');
      expect(ids((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items)).toEqual([first.id]);
    });

    it('answers 409 external_id_taken for an external id already in use', async () => {
      const guest = await createGuest(a.propertyId, a.token);
      const first = await createReservation(a.propertyId, a.token, guest.id, {
        externalId: `PMS-${unique()}`,
      });

      const res = await api.request('POST', reservationsOf(a.propertyId), {
        token: a.token,
        body: stay(guest.id, { externalId: first.externalId }),
      });

      expectProblem(res, 409, 'external_id_taken');
      expect(ids((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items)).toEqual([first.id]);
    });

    it('lets two properties use the same confirmation number', async () => {
      const first = await createReservation(a.propertyId, a.token, aGuest.id);

      const res = await api.request<Reservation>('POST', reservationsOf(b.propertyId), {
        token: b.token,
        body: stay(bGuest.id, { confirmationNumber: first.confirmationNumber }),
      });

      expect(res.status).toBe(201);
      expect(res.body.confirmationNumber).toBe(first.confirmationNumber);
    });
  });

  describe('status actions', () => {
    it('checks in with a room number, then checks out, stamping both times', async () => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);

      const checkedIn = await act(a.propertyId, a.token, reservation.id, 'check-in', { roomNumber: '204' });
      const checkedOut = await act(a.propertyId, a.token, reservation.id, 'check-out');

      expect(checkedIn.status).toBe(200);
      expect(checkedIn.body).toMatchObject({
        status: 'checked_in',
        roomNumber: '204',
        actualDeparture: null,
        version: 2,
      });
      expect(checkedOut.status).toBe(200);
      expect(checkedOut.body).toMatchObject({
        status: 'checked_out',
        roomNumber: '204',
        actualArrival: checkedIn.body.actualArrival,
        version: 3,
      });
      expect(Date.parse(checkedIn.body.actualArrival ?? '')).not.toBeNaN();
      expect(Date.parse(checkedOut.body.actualDeparture ?? '')).not.toBeNaN();
      const read = await getReservation(a.propertyId, a.token, reservation.id);
      expect(read.body).toEqual(checkedOut.body);
    });

    it('keeps the room number when checking in without one', async () => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id, { roomNumber: '101' });

      const res = await act(a.propertyId, a.token, reservation.id, 'check-in');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'checked_in', roomNumber: '101' });
    });

    it.each([
      ['cancel', 'cancelled'],
      ['no-show', 'no_show'],
    ] as const)('applies %s to a confirmed reservation', async (action, status) => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);

      const res = await act(a.propertyId, a.token, reservation.id, action);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status, version: 2, actualArrival: null, actualDeparture: null });
      expect((await getReservation(a.propertyId, a.token, reservation.id)).body.status).toBe(status);
    });

    it.each<[string, Action[], Action]>([
      ['check-out from confirmed', [], 'check-out'],
      ['check-in twice', ['check-in'], 'check-in'],
      ['cancel after check-in', ['check-in'], 'cancel'],
      ['no-show after check-in', ['check-in'], 'no-show'],
      ['check-in after cancel', ['cancel'], 'check-in'],
      ['check-out after cancel', ['cancel'], 'check-out'],
      ['cancel twice', ['cancel'], 'cancel'],
      ['no-show after cancel', ['cancel'], 'no-show'],
      ['check-in after no-show', ['no-show'], 'check-in'],
      ['cancel after no-show', ['no-show'], 'cancel'],
      ['no-show twice', ['no-show'], 'no-show'],
      ['check-in after check-out', ['check-in', 'check-out'], 'check-in'],
      ['check-out twice', ['check-in', 'check-out'], 'check-out'],
      ['cancel after check-out', ['check-in', 'check-out'], 'cancel'],
      ['no-show after check-out', ['check-in', 'check-out'], 'no-show'],
    ])('answers 409 invalid_transition for %s and changes nothing', async (_, setup, action) => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);
      for (const step of setup) await actOk(a.propertyId, a.token, reservation.id, step);
      const before = await getReservation(a.propertyId, a.token, reservation.id);

      const res = await act(a.propertyId, a.token, reservation.id, action);

      expectProblem(res, 409, 'invalid_transition');
      const after = await getReservation(a.propertyId, a.token, reservation.id);
      expect(after.body).toEqual(before.body);
    });

    it('answers 404 reservation_not_found for an unknown reservation', async () => {
      const res = await act(a.propertyId, a.token, randomUUID(), 'check-in');

      expectProblem(res, 404, 'reservation_not_found');
    });
  });

  describe('deleting the guest', () => {
    it('is refused while the guest has an open reservation, and allowed once it is over', async () => {
      const guest = await createGuest(a.propertyId, a.token);
      const stayA = await createReservation(a.propertyId, a.token, guest.id);
      const stayB = await createReservation(a.propertyId, a.token, guest.id);
      await actOk(a.propertyId, a.token, stayB.id, 'check-in');
      const remove = () => api.request('DELETE', `${guestsOf(a.propertyId)}/${guest.id}`, { token: a.token });

      const refused = expectProblem(await remove(), 409, 'guest_in_use');
      await actOk(a.propertyId, a.token, stayA.id, 'cancel');
      const stillRefused = await remove();
      await actOk(a.propertyId, a.token, stayB.id, 'check-out');
      const allowed = await remove();

      expect(refused.detail).toContain('2 open reservations');
      expectProblem(stillRefused, 409, 'guest_in_use');
      expect(allowed.status).toBe(204);
    });
  });

  describe('checkout on the guest’s profile', () => {
    const zone = 'Pacific/Auckland';
    let propertyId: string;

    beforeAll(async () => {
      propertyId = await createProperty(zone);
    });

    it('counts the stay, adds the rate to the revenue and sets the last stay date to the local today', async () => {
      const guest = await createGuest(propertyId, a.token);
      const reservation = await createReservation(propertyId, a.token, guest.id, { totalRate: 540.5 });
      await actOk(propertyId, a.token, reservation.id, 'check-in');
      const before = await getGuest(propertyId, a.token, guest.id);
      const todayBefore = todayIn(zone);

      await actOk(propertyId, a.token, reservation.id, 'check-out');

      const todayAfter = todayIn(zone);
      const after = await getGuest(propertyId, a.token, guest.id);
      expect(before).toMatchObject({ stayCount: 0, totalRevenue: '0.00', lastStayDate: null });
      expect(after).toMatchObject({ stayCount: 1, totalRevenue: '540.50', version: before.version + 1 });
      expect([todayBefore, todayAfter]).toContain(after.lastStayDate);
    });

    it('adds up the revenue of several stays and counts a stay without a rate', async () => {
      const guest = await createGuest(propertyId, a.token);
      for (const totalRate of [540.5, 99.75, undefined]) {
        const reservation = await createReservation(propertyId, a.token, guest.id, { totalRate });
        await actOk(propertyId, a.token, reservation.id, 'check-in');
        await actOk(propertyId, a.token, reservation.id, 'check-out');
      }

      const after = await getGuest(propertyId, a.token, guest.id);

      expect(after).toMatchObject({ stayCount: 3, totalRevenue: '640.25' });
    });

    it('leaves the guest alone on cancel and no-show', async () => {
      const guest = await createGuest(propertyId, a.token);
      const before = await getGuest(propertyId, a.token, guest.id);
      const cancelled = await createReservation(propertyId, a.token, guest.id, { totalRate: 100 });
      const noShow = await createReservation(propertyId, a.token, guest.id, { totalRate: 100 });

      await actOk(propertyId, a.token, cancelled.id, 'cancel');
      await actOk(propertyId, a.token, noShow.id, 'no-show');

      expect(await getGuest(propertyId, a.token, guest.id)).toEqual(before);
    });
  });

  describe('update, remove', () => {
    it('applies a PATCH with the current version and bumps the version', async () => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);

      const res = await api.request<Reservation>(
        'PATCH',
        `${reservationsOf(a.propertyId)}/${reservation.id}`,
        {
          token: a.token,
          body: { version: 1, roomType: 'Suite', departureDate: '2027-01-14', notes: ['VIP'] },
        },
      );

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        roomType: 'Suite',
        arrivalDate: '2027-01-10',
        departureDate: '2027-01-14',
        notes: ['VIP'],
        status: 'confirmed',
        version: 2,
      });
      expect((await getReservation(a.propertyId, a.token, reservation.id)).body).toEqual(res.body);
    });

    it('answers 409 version_conflict for a stale version and changes nothing', async () => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);
      await api.request('PATCH', `${reservationsOf(a.propertyId)}/${reservation.id}`, {
        token: a.token,
        body: { version: 1, roomType: 'First writer' },
      });
      const before = await getReservation(a.propertyId, a.token, reservation.id);

      const res = await api.request('PATCH', `${reservationsOf(a.propertyId)}/${reservation.id}`, {
        token: a.token,
        body: { version: 1, roomType: 'Second writer' },
      });

      expectProblem(res, 409, 'version_conflict');
      expect(before.body).toMatchObject({ roomType: 'First writer', version: 2 });
      expect((await getReservation(a.propertyId, a.token, reservation.id)).body).toEqual(before.body);
    });

    it.each([
      ['departure before the arrival', { departureDate: '2027-01-09' }],
      ['departure onto the arrival', { departureDate: '2027-01-10' }],
      ['arrival after the departure', { arrivalDate: '2027-01-13' }],
    ])('answers 400 validation_failed for moving the %s and changes nothing', async (_, change) => {
      const reservation = await createReservation(a.propertyId, a.token, aGuest.id);

      const res = await api.request<Problem>('PATCH', `${reservationsOf(a.propertyId)}/${reservation.id}`, {
        token: a.token,
        body: { version: 1, ...change },
      });

      expectProblem(res, 400, 'validation_failed');
      expect((await getReservation(a.propertyId, a.token, reservation.id)).body).toEqual(reservation);
    });

    it('answers 409 confirmation_number_taken when PATCHing to a number in use', async () => {
      const first = await createReservation(a.propertyId, a.token, aGuest.id);
      const second = await createReservation(a.propertyId, a.token, aGuest.id);

      const res = await api.request('PATCH', `${reservationsOf(a.propertyId)}/${second.id}`, {
        token: a.token,
        body: { version: 1, confirmationNumber: first.confirmationNumber },
      });

      expectProblem(res, 409, 'confirmation_number_taken');
      expect((await getReservation(a.propertyId, a.token, second.id)).body).toEqual(second);
    });

    it('answers 204, then 404 reservation_not_found, and leaves it out of the list', async () => {
      const guest = await createGuest(a.propertyId, a.token);
      const reservation = await createReservation(a.propertyId, a.token, guest.id);

      const res = await api.request('DELETE', `${reservationsOf(a.propertyId)}/${reservation.id}`, {
        token: a.token,
      });

      expect(res.status).toBe(204);
      expectProblem(
        await getReservation(a.propertyId, a.token, reservation.id),
        404,
        'reservation_not_found',
      );
      expect((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items).toEqual([]);
      expectProblem(
        await api.request('DELETE', `${reservationsOf(a.propertyId)}/${reservation.id}`, { token: a.token }),
        404,
        'reservation_not_found',
      );
    });
  });

  describe('list', () => {
    let guest: Guest;
    let other: Guest;
    let stays: Reservation[];
    let othersStay: Reservation;
    let byArrival: string[];

    beforeAll(async () => {
      guest = await createGuest(a.propertyId, a.token);
      other = await createGuest(a.propertyId, a.token);
      stays = [];
      for (const [arrivalDate, departureDate] of [
        ['2027-03-01', '2027-03-03'],
        ['2027-03-05', '2027-03-07'],
        ['2027-03-05', '2027-03-06'],
        ['2027-03-08', '2027-03-10'],
        ['2027-03-20', '2027-03-21'],
      ])
        stays.push(await createReservation(a.propertyId, a.token, guest.id, { arrivalDate, departureDate }));
      await actOk(a.propertyId, a.token, stays[3].id, 'cancel');
      othersStay = await createReservation(a.propertyId, a.token, other.id, {
        arrivalDate: '2027-03-05',
        departureDate: '2027-03-07',
      });
      byArrival = [...stays]
        .sort((x, y) => x.arrivalDate.localeCompare(y.arrivalDate) || x.id.localeCompare(y.id))
        .map((r) => r.id);
    });

    it('filters by guest, ordered by arrival date', async () => {
      const mine = await list(a.propertyId, a.token, `guestId=${guest.id}`);
      const theirs = await list(a.propertyId, a.token, `guestId=${other.id}`);

      expect(mine.items.map((r) => r.id)).toEqual(byArrival);
      expect(mine.nextCursor).toBeNull();
      expect(theirs.items.map((r) => r.id)).toEqual([othersStay.id]);
    });

    it('filters by status', async () => {
      const cancelled = await list(a.propertyId, a.token, `guestId=${guest.id}&status=cancelled`);
      const confirmed = await list(a.propertyId, a.token, `guestId=${guest.id}&status=confirmed`);

      expect(cancelled.items.map((r) => r.id)).toEqual([stays[3].id]);
      expect(confirmed.items.map((r) => r.id)).toEqual(byArrival.filter((id) => id !== stays[3].id));
    });

    it('keeps stays departing after from and arriving on or before to', async () => {
      const window = await list(a.propertyId, a.token, `guestId=${guest.id}&from=2027-03-06&to=2027-03-08`);
      const fromOnly = await list(a.propertyId, a.token, `guestId=${guest.id}&from=2027-03-07`);
      const toOnly = await list(a.propertyId, a.token, `guestId=${guest.id}&to=2027-03-04`);

      expect(ids(window.items)).toEqual(ids([stays[1], stays[3]]));
      expect(ids(fromOnly.items)).toEqual(ids([stays[3], stays[4]]));
      expect(ids(toOnly.items)).toEqual([stays[0].id]);
    });

    it('returns every reservation exactly once across pages of 2, in order', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(
          a.propertyId,
          a.token,
          `guestId=${guest.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.items.map((r) => r.id));
        sizes.push(page.items.length);
        cursor = page.nextCursor;
      } while (cursor && sizes.length < 10);

      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(byArrival);
    });

    it.each([
      ['status=arrived', 'status'],
      ['from=2026-02-30', 'from'],
      ['limit=101', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
    ])('answers 400 validation_failed for %s', async (query, field) => {
      const res = await api.request<Problem>('GET', `${reservationsOf(a.propertyId)}?${query}`, {
        token: a.token,
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual([field]);
    });
  });

  describe('day views', () => {
    const auckland = 'Pacific/Auckland';
    const losAngeles = 'America/Los_Angeles';
    const zones: Record<string, string> = {};

    beforeAll(async () => {
      zones[auckland] = await createProperty(auckland);
      zones[losAngeles] = await createProperty(losAngeles);
    });

    describe('for an explicit date', () => {
      const date = '2027-05-10';
      let propertyId: string;
      let r: Record<string, Reservation>;

      beforeAll(async () => {
        propertyId = zones[auckland];
        const guest = await createGuest(propertyId, a.token);
        const make = (arrivalDate: string, departureDate: string) =>
          createReservation(propertyId, a.token, guest.id, { arrivalDate, departureDate });
        r = {
          arriving: await make('2027-05-10', '2027-05-12'),
          checkedIn: await make('2027-05-10', '2027-05-11'),
          departing: await make('2027-05-08', '2027-05-10'),
          staying: await make('2027-05-09', '2027-05-11'),
          cancelled: await make('2027-05-10', '2027-05-11'),
          noShow: await make('2027-05-09', '2027-05-12'),
          cancelledDeparting: await make('2027-05-09', '2027-05-10'),
          yesterday: await make('2027-05-08', '2027-05-09'),
          tomorrow: await make('2027-05-11', '2027-05-13'),
        };
        await actOk(propertyId, a.token, r.checkedIn.id, 'check-in');
        await actOk(propertyId, a.token, r.cancelled.id, 'cancel');
        await actOk(propertyId, a.token, r.noShow.id, 'no-show');
        await actOk(propertyId, a.token, r.cancelledDeparting.id, 'cancel');
      });

      it.each([
        ['arrivals', ['arriving', 'checkedIn']],
        ['departures', ['departing']],
        ['in-house', ['arriving', 'checkedIn', 'staying']],
      ])('lists exactly the right reservations in %s', async (view, expected) => {
        const res = await day(propertyId, a.token, view, date);

        expect(res).toMatchObject({ date, timezone: auckland });
        expect(ids(res.items)).toEqual(ids(expected.map((k) => r[k])));
      });
    });

    describe('for today', () => {
      const groups: Record<string, Reservation[]> = {};

      beforeAll(async () => {
        for (const zone of [auckland, losAngeles]) {
          const propertyId = zones[zone];
          const guest = await createGuest(propertyId, a.token);
          const today = todayIn(zone);
          groups[zone] = [];
          for (let offset = -2; offset <= 2; offset++) {
            const arrivalDate = plusDays(today, offset);
            groups[zone].push(
              await createReservation(propertyId, a.token, guest.id, {
                arrivalDate,
                departureDate: plusDays(arrivalDate, 1),
              }),
            );
          }
        }
      });

      const inView = (view: string, date: string) => (s: Reservation) =>
        view === 'arrivals'
          ? s.arrivalDate === date
          : view === 'departures'
            ? s.departureDate === date
            : s.arrivalDate <= date && date < s.departureDate;

      it.each([
        [auckland, 'arrivals'],
        [auckland, 'departures'],
        [auckland, 'in-house'],
        [losAngeles, 'arrivals'],
        [losAngeles, 'departures'],
        [losAngeles, 'in-house'],
      ])('uses today in %s for %s without a date', async (zone, view) => {
        const before = todayIn(zone);

        const res = await day(zones[zone], a.token, view);

        const after = todayIn(zone);
        expect([before, after]).toContain(res.date);
        expect(res.timezone).toBe(zone);
        const expected = groups[zone].filter(inView(view, res.date));
        expect(expected).toHaveLength(1);
        expect(ids(res.items)).toEqual(ids(expected));
      });
    });

    describe('across a DST change', () => {
      let stayId: string;

      beforeAll(async () => {
        const propertyId = zones[losAngeles];
        const guest = await createGuest(propertyId, a.token);
        stayId = (
          await createReservation(propertyId, a.token, guest.id, {
            arrivalDate: '2026-11-01',
            departureDate: '2026-11-03',
          })
        ).id;
      });

      it.each([
        ['2026-10-31', false],
        ['2026-11-01', true],
        ['2026-11-02', true],
        ['2026-11-03', false],
      ])('lists the stay in-house on %s: %s', async (date, inHouse) => {
        const res = await day(zones[losAngeles], a.token, 'in-house', date);

        expect(res).toMatchObject({ date, timezone: losAngeles });
        expect(res.items.map((s) => s.id)).toEqual(inHouse ? [stayId] : []);
      });

      it('lists the stay in arrivals on 2026-11-01 and departures on 2026-11-03', async () => {
        const arrivals = await day(zones[losAngeles], a.token, 'arrivals', '2026-11-01');
        const departures = await day(zones[losAngeles], a.token, 'departures', '2026-11-03');

        expect(arrivals.items.map((s) => s.id)).toEqual([stayId]);
        expect(departures.items.map((s) => s.id)).toEqual([stayId]);
      });
    });

    it.each(['arrivals', 'departures', 'in-house'])(
      'answers 400 validation_failed for %s on 2026-02-30',
      async (view) => {
        const res = await api.request<Problem>(
          'GET',
          `${reservationsOf(a.propertyId)}/${view}?date=2026-02-30`,
          {
            token: a.token,
          },
        );

        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors?.map((e) => e.field)).toEqual(['date']);
      },
    );
  });

  describe('another property', () => {
    let aReservation: Reservation;
    let bReservation: Reservation;

    beforeAll(async () => {
      aReservation = await createReservation(a.propertyId, a.token, aGuest.id);
      bReservation = await createReservation(b.propertyId, b.token, bGuest.id);
    });

    it.each([
      ['GET', '/reservations'],
      ['GET', '/reservations/:id'],
      ['GET', '/reservations/arrivals'],
      ['PATCH', '/reservations/:id'],
      ['DELETE', '/reservations/:id'],
      ['POST', '/reservations/:id/check-in'],
      ['POST', '/reservations/:id/cancel'],
    ])('answers 403 property_forbidden to another tenant on %s %s', async (method, route) => {
      const suffix = route.replace('/reservations', '');
      const path = `${reservationsOf(a.propertyId)}${suffix.replace(':id', aReservation.id)}`;

      const res = await api.request(method, path, {
        token: b.token,
        body: method === 'PATCH' ? { version: 1 } : undefined,
      });

      expectProblem(res, 403, 'property_forbidden');
      expect((await getReservation(a.propertyId, a.token, aReservation.id)).body).toEqual(aReservation);
    });

    it('answers 403 property_forbidden to another tenant creating a reservation', async () => {
      const res = await api.request('POST', reservationsOf(a.propertyId), {
        token: b.token,
        body: stay(aGuest.id),
      });

      expectProblem(res, 403, 'property_forbidden');
    });

    it.each([
      ['GET', ':id', undefined],
      ['PATCH', ':id', { version: 1, roomType: 'Hijacked' }],
      ['DELETE', ':id', undefined],
      ['POST', ':id/check-in', { roomNumber: '666' }],
      ['POST', ':id/check-out', undefined],
      ['POST', ':id/cancel', undefined],
      ['POST', ':id/no-show', undefined],
    ])(
      'answers 404 reservation_not_found for %s %s with another property’s reservation under mine',
      async (method, route, body) => {
        const path = `${reservationsOf(a.propertyId)}/${route.replace(':id', bReservation.id)}`;
        const res = await api.request(method, path, {
          token: a.token,
          body,
        });

        expectProblem(res, 404, 'reservation_not_found');
        expect((await getReservation(b.propertyId, b.token, bReservation.id)).body).toEqual(bReservation);
      },
    );

    it('keeps another property’s reservations out of my list and day views', async () => {
      const all = await list(a.propertyId, a.token, 'limit=100&from=2027-01-10&to=2027-01-10');
      const arrivals = await day(a.propertyId, a.token, 'arrivals', bReservation.arrivalDate);

      expect(all.items.map((r) => r.id)).toContain(aReservation.id);
      expect(all.items.map((r) => r.id)).not.toContain(bReservation.id);
      expect(arrivals.items.map((r) => r.id)).toContain(aReservation.id);
      expect(arrivals.items.map((r) => r.id)).not.toContain(bReservation.id);
    });
  });

  describe('roles', () => {
    it('lets housekeeping read arrivals but not create or check in', async () => {
      const housekeeping = await addStaff(api, a, 'housekeeping');
      const guest = await createGuest(a.propertyId, a.token);
      const reservation = await createReservation(a.propertyId, a.token, guest.id);

      const arrivals = await api.request<DayView>(
        'GET',
        `${reservationsOf(a.propertyId)}/arrivals?date=${reservation.arrivalDate}`,
        { token: housekeeping.token },
      );
      const created = await api.request('POST', reservationsOf(a.propertyId), {
        token: housekeeping.token,
        body: stay(guest.id),
      });
      const checkIn = await act(a.propertyId, housekeeping.token, reservation.id, 'check-in');

      expect(arrivals.status).toBe(200);
      expect(arrivals.body.items.map((r) => r.id)).toContain(reservation.id);
      expectProblem(created, 403, 'forbidden');
      expectProblem(checkIn, 403, 'forbidden');
      expect(ids((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items)).toEqual([reservation.id]);
      expect((await getReservation(a.propertyId, a.token, reservation.id)).body.status).toBe('confirmed');
    });

    it('lets a concierge read reservations but not create or cancel them', async () => {
      const concierge = await addStaff(api, a, 'concierge');
      const guest = await createGuest(a.propertyId, a.token);
      const reservation = await createReservation(a.propertyId, a.token, guest.id);

      const read = await getReservation(a.propertyId, concierge.token, reservation.id);
      const created = await api.request('POST', reservationsOf(a.propertyId), {
        token: concierge.token,
        body: stay(guest.id),
      });
      const cancelled = await act(a.propertyId, concierge.token, reservation.id, 'cancel');

      expect(read.status).toBe(200);
      expect(read.body).toEqual(reservation);
      expectProblem(created, 403, 'forbidden');
      expectProblem(cancelled, 403, 'forbidden');
      expect(ids((await list(a.propertyId, a.token, `guestId=${guest.id}`)).items)).toEqual([reservation.id]);
    });

    it('lets front desk create and check in', async () => {
      const frontDesk = await addStaff(api, a, 'front_desk');

      const created = await api.request<Reservation>('POST', reservationsOf(a.propertyId), {
        token: frontDesk.token,
        body: stay(aGuest.id),
      });
      const checkedIn = await act(a.propertyId, frontDesk.token, created.body.id, 'check-in');

      expect(created.status).toBe(201);
      expect(checkedIn.status).toBe(200);
      expect(checkedIn.body.status).toBe('checked_in');
    });
  });

  describe('side effects of actions', () => {
    let reservation: Reservation;

    beforeAll(async () => {
      reservation = await createReservation(a.propertyId, a.token, aGuest.id);
      await actOk(a.propertyId, a.token, reservation.id, 'check-in');
      await actOk(a.propertyId, a.token, reservation.id, 'check-out');
    });

    it('writes a reservation.check_in audit entry naming the reservation', async () => {
      const res = await api.request<{
        items: { action: string; resourceType: string; resourceId: string }[];
      }>('GET', `/api/v1/properties/${a.propertyId}/audit-log?action=reservation.check_in&limit=200`, {
        token: a.token,
      });

      expect(res.status).toBe(200);
      expect(res.body.items.filter((e) => e.resourceId === reservation.id)).toEqual([
        expect.objectContaining({
          action: 'reservation.check_in',
          resourceType: 'reservation',
          resourceId: reservation.id,
        }),
      ]);
    });

    it('enqueues one reservation.checked_out event in the outbox of the reservation’s property', async () => {
      const db = pool(api.db.appUrl, { max: 1 });
      const client = await db.connect();
      let rows: { property_id: string; guest_id: string }[];
      try {
        await client.query('begin');
        await client.query(`select set_config('app.property_id', $1, true)`, [a.propertyId]);
        ({ rows } = await client.query<{ property_id: string; guest_id: string }>(
          `select property_id, payload->'data'->>'guestId' as guest_id from platform.outbox
            where payload->>'type' = 'reservation.checked_out' and payload->'data'->>'reservationId' = $1`,
          [reservation.id],
        ));
        await client.query('commit');
      } finally {
        client.release();
        await db.end();
      }

      expect(rows).toEqual([{ property_id: a.propertyId, guest_id: aGuest.id }]);
    });
  });
});
