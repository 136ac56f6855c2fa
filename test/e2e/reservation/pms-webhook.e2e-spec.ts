import { createHmac, randomBytes } from 'node:crypto';

import { TenantDb } from '@app/platform';
import { PmsController, PmsWebhookController, PmsWebhookEventsPruneJob } from '@app/reservation';
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

interface Settings {
  configured: boolean;
  path: string;
  rotatedAt: string | null;
  previousValidUntil: string | null;
  lastEventAt: string | null;
  secret?: string;
}
type Ack = { status: 'processed' | 'duplicate'; eventId: string; change?: string; stale?: boolean };
interface Reservation {
  id: string;
  guestId: string;
  confirmationNumber: string;
  roomNumber: string | null;
  status: string;
  actualArrival: string | null;
  actualDeparture: string | null;
}
interface Guest {
  firstName: string;
  lastName: string;
  loyaltyTier: string | null;
  externalIds: Record<string, string>;
  stayCount: number;
  totalRevenue: string;
  lastStayDate: string | null;
}
type Row = Record<string, unknown>;
type PmsEvent = { id: string; type: string; occurredAt?: string; data: { guest?: Row; reservation?: Row } };

const unique = () => randomBytes(4).toString('hex');
const now = () => Math.floor(Date.now() / 1000);
const sign = (secret: string, timestamp: string | number, raw: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
const SEEN = '2026-09-01T10:00:00Z';

/** reservation.created for run `run`: guest G-run, reservation R-run in room 204, 300.00. */
const booking = (run: string, reservation: Row = {}): PmsEvent => ({
  id: `evt-${run}-${unique()}`,
  type: 'reservation.created',
  data: {
    guest: { externalId: `G-${run}`, firstName: 'Ana', lastName: 'Silva', updatedAt: SEEN },
    reservation: {
      externalId: `R-${run}`,
      confirmationNumber: `C-${run}`,
      roomNumber: '204',
      roomType: 'Deluxe Double',
      arrivalDate: '2026-10-01',
      departureDate: '2026-10-04',
      totalRate: '300.00',
      updatedAt: SEEN,
      ...reservation,
    },
  },
});

/** A status event naming only the reservation's PMS id; occurredAt orders it. */
const statusEvent = (run: string, type: string, occurredAt: string): PmsEvent => ({
  id: `evt-${run}-${unique()}`,
  type,
  occurredAt,
  data: { reservation: { externalId: `R-${run}` } },
});

let api: TestApi;
let admin: Pool;
let a: Tenant;
let b: Tenant;
let secretA: string;
let secretB: string;

const secretUrl = (t: Tenant, path = '/secret') => `/api/v1/properties/${t.propertyId}/pms/webhook${path}`;
const settings = (t: Tenant, token = t.token) => api.request<Settings>('GET', secretUrl(t, ''), { token });
const rotate = (t: Tenant, token = t.token) => api.request<Settings>('POST', secretUrl(t), { token });
const removeSecret = (t: Tenant, token = t.token) => api.request('DELETE', secretUrl(t), { token });

/** Signs `JSON.stringify(body)` with `secret` and posts those bytes; null leaves a header out. */
function send(
  code: string,
  secret: string,
  body: unknown,
  options: { timestamp?: string | number | null; signature?: string | null } = {},
) {
  const raw = JSON.stringify(body);
  const timestamp = options.timestamp === undefined ? now() : options.timestamp;
  const signature = options.signature === undefined ? sign(secret, timestamp ?? '', raw) : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (timestamp !== null) headers['x-timestamp'] = String(timestamp);
  if (signature !== null) headers['x-signature'] = signature;
  return api.request<Ack>('POST', `/webhooks/pms/${code}`, { raw, headers });
}
const toA = (body: unknown, options: Parameters<typeof send>[3] = {}) =>
  send(a.propertyCode, secretA, body, options);

/** Rows a delivery could have written for the property. */
const stored = async (propertyId: string) =>
  (
    await admin.query<{ events: number; reservations: number; guests: number }>(
      `select (select count(*)::int from reservation.pms_webhook_events where property_id = $1) as events,
              (select count(*)::int from reservation.reservations where property_id = $1) as reservations,
              (select count(*)::int from guest.guests where property_id = $1) as guests`,
      [propertyId],
    )
  ).rows[0];

/** The reservation a property holds under a PMS id, read through the API. */
async function held(t: Tenant, externalId: string): Promise<Reservation> {
  const found = await admin.query<{ id: string }>(
    'select id from reservation.reservations where property_id = $1 and external_id = $2 and deleted_at is null',
    [t.propertyId, externalId],
  );
  expect(found.rows).toHaveLength(1);
  const path = `/api/v1/properties/${t.propertyId}/reservations/${found.rows[0].id}`;
  return (await api.request<Reservation>('GET', path, { token: t.token })).body;
}

const guest = async (t: Tenant, id: string) =>
  (await api.request<Guest>('GET', `/api/v1/properties/${t.propertyId}/guests/${id}`, { token: t.token }))
    .body;

beforeAll(async () => {
  api = await startTestApi();
  admin = pool(api.db.adminUrl, { max: 2 });
  a = await signupTenant(api, 'hooka');
  b = await signupTenant(api, 'hookb');
  secretA = (await rotate(a)).body.secret!;
  secretB = (await rotate(b)).body.secret!;
});

afterAll(async () => {
  await admin?.end();
  await api?.close();
});

describe(PmsController.name, () => {
  describe('rotate', () => {
    it('creates a whsec_ secret shown once and stores it sealed when none is configured', async () => {
      const c = await signupTenant(api, 'hookc');
      const before = await settings(c);

      const created = await rotate(c);

      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        configured: false,
        path: `/webhooks/pms/${c.propertyCode}`,
        rotatedAt: null,
        previousValidUntil: null,
        lastEventAt: null,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ configured: true, previousValidUntil: null, lastEventAt: null });
      expect(created.body.secret).toMatch(/^whsec_.{20,}/);
      const after = await settings(c);
      expect(after.body).toMatchObject({ configured: true, rotatedAt: created.body.rotatedAt });
      expect(after.body).not.toHaveProperty('secret');
      const row = await admin.query<{ text: string }>(
        'select t::text as text from reservation.pms_connections t where property_id = $1',
        [c.propertyId],
      );
      expect(row.rows).toHaveLength(1);
      expect(row.rows[0].text).not.toContain(created.body.secret!.slice('whsec_'.length));
    });

    it('accepts the old and the new secret for 24 hours when the secret is rotated', async () => {
      const c = await signupTenant(api, 'hookc');
      const first = (await rotate(c)).body.secret!;

      const second = await rotate(c);

      expect(second.status).toBe(201);
      const { rotatedAt, previousValidUntil, secret } = second.body;
      expect(secret).toMatch(/^whsec_/);
      expect(secret).not.toBe(first);
      expect(Date.parse(previousValidUntil!) - Date.parse(rotatedAt!)).toBe(24 * 3600 * 1000);
      expect((await settings(c)).body.previousValidUntil).toBe(previousValidUntil);
      const toC = (signedWith: string) => send(c.propertyCode, signedWith, booking(unique()));
      expect((await toC(first)).body).toMatchObject({ status: 'processed', change: 'created' });
      expect((await toC(secret!)).body).toMatchObject({ status: 'processed', change: 'created' });
      expect((await settings(c)).body.lastEventAt).not.toBeNull();
      // Once the 24 hours are over, only the new secret works.
      await admin.query(
        `update reservation.pms_connections set previous_valid_until = now() - interval '1 second'
          where property_id = $1`,
        [c.propertyId],
      );
      expectProblem(await toC(first), 401, 'signature_invalid');
      expect((await toC(secret!)).body).toMatchObject({ status: 'processed' });
      expect((await settings(c)).body.previousValidUntil).toBeNull();
    });
  });

  describe('remove', () => {
    it('refuses webhooks signed with any secret once deleted, and answers 404 when there is none', async () => {
      const c = await signupTenant(api, 'hookc');
      const old = (await rotate(c)).body.secret!;
      const current = (await rotate(c)).body.secret!;

      const removed = await removeSecret(c);

      expect(removed.status).toBe(204);
      expect((await settings(c)).body).toMatchObject({ configured: false, previousValidUntil: null });
      for (const secret of [old, current])
        expectProblem(await send(c.propertyCode, secret, booking(unique())), 401, 'webhook_not_configured');
      expect(await stored(c.propertyId)).toMatchObject({ events: 0, reservations: 0 });
      expectProblem(await removeSecret(c), 404, 'webhook_not_configured');
    });
  });

  describe('settings, rotate and remove', () => {
    it("refuses managers, front-desk staff and another property's owner", async () => {
      const manager = await addStaff(api, a, 'manager');
      const frontDesk = await addStaff(api, a, 'front_desk');

      for (const token of [manager.token, frontDesk.token]) {
        expectProblem(await settings(a, token), 403, 'forbidden');
        expectProblem(await rotate(a, token), 403, 'forbidden');
        expectProblem(await removeSecret(a, token), 403, 'forbidden');
      }
      expectProblem(await settings(a, b.token), 403, 'property_forbidden');
      expectProblem(await rotate(a, b.token), 403, 'property_forbidden');
      expectProblem(await removeSecret(a, b.token), 403, 'property_forbidden');
      expect((await toA(booking(unique()))).body.status).toBe('processed');
    });
  });
});

describe(PmsWebhookController.name, () => {
  describe('receive', () => {
    it('creates the guest and reservation of a signed reservation.created, and ignores its redelivery', async () => {
      const run = unique();
      const event = booking(run);

      const first = await toA(event);
      const before = await stored(a.propertyId);
      const newer = { externalId: `R-${run}`, roomNumber: '999', updatedAt: '2026-09-02T00:00:00Z' };
      const again = await toA({ ...event, data: { reservation: newer } });

      expect(first.status).toBe(200);
      expect(first.body).toEqual({ status: 'processed', eventId: event.id, change: 'created', stale: false });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'duplicate', eventId: event.id });
      expect(await stored(a.propertyId)).toEqual(before);
      const r = await held(a, `R-${run}`);
      expect(r).toMatchObject({ confirmationNumber: `C-${run}`, roomNumber: '204', status: 'confirmed' });
      expect(await guest(a, r.guestId)).toMatchObject({
        firstName: 'Ana',
        lastName: 'Silva',
        externalIds: { pms: `G-${run}` },
      });
    });

    it('accepts a bare hex signature and a timestamp four minutes old', async () => {
      const event = booking(unique());
      const timestamp = now() - 240;
      const signature = sign(secretA, timestamp, JSON.stringify(event)).slice('sha256='.length);

      const res = await toA(event, { timestamp, signature });

      expect(res.body).toMatchObject({ status: 'processed', change: 'created' });
    });

    it('stores nothing and answers 401 when the signature or timestamp is missing, malformed or out of time', async () => {
      const event = booking(unique());
      const before = await stored(a.propertyId);

      expectProblem(await toA(event, { signature: null }), 401, 'signature_missing');
      for (const timestamp of [null, 'abc', '', '1.5e9', `${now()}.5`])
        expectProblem(await toA(event, { timestamp }), 401, 'timestamp_invalid');
      for (const timestamp of [now() - 310, now() + 310, 1])
        expectProblem(await toA(event, { timestamp }), 401, 'timestamp_expired');

      expect(await stored(a.propertyId)).toEqual(before);
    });

    it('stores nothing and answers 401 signature_invalid when the signature does not match', async () => {
      const event = booking(unique());
      const timestamp = now();
      const signed = sign(secretA, timestamp, JSON.stringify(event));
      const changed = { ...event, data: { reservation: { ...event.data.reservation, roomNumber: '666' } } };
      const before = await stored(a.propertyId);

      for (const res of [
        await send(a.propertyCode, `whsec_${unique()}`, event),
        await send(a.propertyCode, secretB, event),
        await toA(changed, { timestamp, signature: signed }),
        await toA(event, { timestamp: timestamp + 1, signature: signed }),
        await toA(event, { signature: 'sha256=not-hex' }),
        await send(`no-such-${unique()}`, secretA, event),
      ])
        expectProblem(res, 401, 'signature_invalid');

      expect(await stored(a.propertyId)).toEqual(before);
    });

    it("stores nothing and answers 401 when property a's secret signs for property b's URL", async () => {
      const before = await stored(b.propertyId);

      const res = await send(b.propertyCode, secretA, booking(unique()));

      expectProblem(res, 401, 'signature_invalid');
      expect(await stored(b.propertyId)).toEqual(before);
    });

    it('stores nothing and answers 401 webhook_not_configured when the property has no secret', async () => {
      const c = await signupTenant(api, 'hookc');
      const before = await stored(c.propertyId);

      const res = await send(c.propertyCode, secretA, booking(unique()));

      expectProblem(res, 401, 'webhook_not_configured');
      expect(await stored(c.propertyId)).toEqual(before);
    });

    it('records nothing and answers 400 invalid_event when the envelope or its data is invalid', async () => {
      const valid = booking(unique());
      const { guest: g, reservation: r } = valid.data as { guest: Row; reservation: Row };
      const { id: _id, ...withoutId } = valid;
      const { updatedAt: _g, ...guestUndated } = g;
      const { updatedAt: _r, ...reservationUndated } = r;
      const before = await stored(a.propertyId);

      for (const body of [
        { ...valid, type: 'reservation.teleported' },
        withoutId,
        { ...valid, source: 'opera' },
        { ...valid, data: { guest: g, reservation: { ...r, roomColour: 'blue' } } },
        { ...valid, data: { guest: g, reservation: { ...r, departureDate: '2026-09-30' } } },
        { ...valid, data: { guest: guestUndated, reservation: reservationUndated } },
        { ...valid, type: 'guest.updated' },
        [valid],
      ])
        expectProblem(await toA(body), 400, 'invalid_event');

      expect(await stored(a.propertyId)).toEqual(before);
      expect((await toA(valid)).body).toMatchObject({ status: 'processed', change: 'created' });
    });

    it('answers 422 unknown_reservation, and processes the redelivery later, when an event names a reservation not known yet', async () => {
      const run = unique();
      const checkIn = statusEvent(run, 'guest.checked_in', '2026-10-01T15:00:00Z');
      const before = await stored(a.propertyId);

      expectProblem(await toA(checkIn), 422, 'unknown_reservation');
      for (const type of ['reservation.cancelled', 'guest.checked_out', 'reservation.updated'])
        expectProblem(await toA(statusEvent(run, type, '2026-10-01T15:00:00Z')), 422, 'unknown_reservation');

      expect(await stored(a.propertyId)).toEqual(before);
      expect((await toA(booking(run))).status).toBe(200);
      const redelivered = await toA(checkIn);
      expect(redelivered.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect((await held(a, `R-${run}`)).status).toBe('checked_in');
    });

    it('checks the guest in and out and counts one stay, however often the checkout arrives', async () => {
      const run = unique();
      await toA(booking(run));
      const checkOut = statusEvent(run, 'guest.checked_out', '2026-10-04T10:30:00Z');

      const checkIn = await toA(statusEvent(run, 'guest.checked_in', '2026-10-01T15:00:00Z'));
      const afterCheckIn = await held(a, `R-${run}`);
      const out = await toA(checkOut);
      const redelivered = await toA(checkOut);
      const resent = await toA({ ...checkOut, id: `evt-${run}-${unique()}` });

      expect(checkIn.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect(afterCheckIn.status).toBe('checked_in');
      expect(Date.parse(afterCheckIn.actualArrival!)).toBe(Date.parse('2026-10-01T15:00:00Z'));
      expect(out.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect(redelivered.body).toMatchObject({ status: 'duplicate' });
      expect(resent.body).toMatchObject({ status: 'processed', change: 'unchanged' });
      const r = await held(a, `R-${run}`);
      expect(r.status).toBe('checked_out');
      expect(Date.parse(r.actualDeparture!)).toBe(Date.parse('2026-10-04T10:30:00Z'));
      expect(await guest(a, r.guestId)).toMatchObject({
        stayCount: 1,
        totalRevenue: '300.00',
        lastStayDate: '2026-10-04',
      });
    });

    it('cancels the reservation when reservation.cancelled arrives', async () => {
      const run = unique();
      await toA(booking(run));

      const res = await toA(statusEvent(run, 'reservation.cancelled', '2026-09-15T08:00:00Z'));

      expect(res.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect((await held(a, `R-${run}`)).status).toBe('cancelled');
    });

    it('changes nothing and answers stale when an update is older than the data it holds', async () => {
      const run = unique();
      await toA(booking(run, { updatedAt: '2026-09-01T12:00:00Z' }));
      const update = (roomNumber: string, updatedAt: string): PmsEvent => ({
        id: `evt-${run}-${unique()}`,
        type: 'reservation.updated',
        data: { reservation: { externalId: `R-${run}`, roomNumber, updatedAt } },
      });

      const older = await toA(update('999', '2026-09-01T11:59:59Z'));
      const afterOlder = await held(a, `R-${run}`);
      const newer = await toA(update('502', '2026-09-01T12:00:01Z'));

      expect(older.body).toMatchObject({ status: 'processed', change: 'unchanged', stale: true });
      expect(afterOlder.roomNumber).toBe('204');
      expect(newer.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect((await held(a, `R-${run}`)).roomNumber).toBe('502');
    });

    it('updates the guest found by its PMS id when guest.updated arrives, unless the update is older', async () => {
      const run = unique();
      await toA(booking(run));
      const { guestId } = await held(a, `R-${run}`);
      const update = (lastName: string, occurredAt: string): PmsEvent => ({
        id: `evt-${run}-${unique()}`,
        type: 'guest.updated',
        occurredAt,
        data: { guest: { externalId: `G-${run}`, lastName, loyaltyTier: 'gold' } },
      });

      const newer = await toA(update('Costa', '2026-09-02T10:00:00Z'));
      const older = await toA(update('Stale', '2026-09-01T09:00:00Z'));

      expect(newer.body).toMatchObject({ status: 'processed', change: 'updated', stale: false });
      expect(older.body).toMatchObject({ status: 'processed', change: 'unchanged', stale: true });
      expect(await guest(a, guestId)).toMatchObject({
        firstName: 'Ana',
        lastName: 'Costa',
        loyaltyTier: 'gold',
        externalIds: { pms: `G-${run}` },
      });
    });

    it('keeps the same event id and PMS ids of two properties apart', async () => {
      const run = unique();
      const event = booking(run);
      const inB = {
        ...event,
        data: { ...event.data, reservation: { ...event.data.reservation, roomNumber: '101' } },
      };

      const resA = await toA(event);
      const resB = await send(b.propertyCode, secretB, inB);

      expect(resA.body).toMatchObject({ status: 'processed', change: 'created' });
      expect(resB.body).toMatchObject({ status: 'processed', change: 'created' });
      const [ra, rb] = [await held(a, `R-${run}`), await held(b, `R-${run}`)];
      expect(ra.id).not.toBe(rb.id);
      expect(ra.guestId).not.toBe(rb.guestId);
      expect([ra.roomNumber, rb.roomNumber]).toEqual(['204', '101']);
      const events = await admin.query<{ property_id: string }>(
        'select property_id from reservation.pms_webhook_events where event_id = $1 order by property_id',
        [event.id],
      );
      expect(events.rows.map((e) => e.property_id)).toEqual([a.propertyId, b.propertyId].sort());
    });
  });

  describe(PmsWebhookEventsPruneJob.name, () => {
    it("forgets one property's event ids older than 30 days and keeps the rest", async () => {
      const old = `old-${unique()}`;
      const recent = `recent-${unique()}`;
      for (const [tenant, id, age] of [
        [a, old, '31 days'],
        [a, recent, '29 days'],
        [b, old, '31 days'],
      ] as const)
        await admin.query(
          `insert into reservation.pms_webhook_events (property_id, event_id, type, outcome, received_at)
           values ($1, $2, 'reservation.updated', 'applied', now() - $3::interval)`,
          [tenant.propertyId, id, age],
        );
      const job = api.app.get(PmsWebhookEventsPruneJob);

      const pruned = await api.app
        .get(TenantDb)
        .run({ propertyId: a.propertyId }, () => job.handle({ propertyId: a.propertyId }));

      expect(pruned).toBe(1);
      const left = await admin.query<{ property_id: string; event_id: string }>(
        'select property_id, event_id from reservation.pms_webhook_events where event_id = any($1::text[])',
        [[old, recent]],
      );
      expect(left.rows).toEqual(
        expect.arrayContaining([
          { property_id: a.propertyId, event_id: recent },
          { property_id: b.propertyId, event_id: old },
        ]),
      );
      expect(left.rows).toHaveLength(2);
    });
  });
});
