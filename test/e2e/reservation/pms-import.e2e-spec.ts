import { randomBytes } from 'node:crypto';

import { PmsController } from '@app/reservation';
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

interface Report {
  format: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  stale: number;
  guests: { created: number; updated: number; unchanged: number };
  reservations: { created: number; updated: number; unchanged: number };
  rejectedRows: { line: number; code: string; reason: string; field?: string }[];
}

interface Reservation {
  id: string;
  guestId: string;
  confirmationNumber: string;
  externalId: string | null;
  roomNumber: string | null;
  roomType: string;
  arrivalDate: string;
  departureDate: string;
  status: string;
  totalRate: string | null;
  specialRequests: string[];
  actualDeparture: string | null;
  pmsUpdatedAt: string | null;
  syncedAt: string | null;
}

interface Guest {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  externalIds: Record<string, string>;
  stayCount: number;
  totalRevenue: string;
  lastStayDate: string | null;
}

type Row = Record<string, unknown>;

const unique = () => randomBytes(4).toString('hex');
const MiB = 1024 * 1024;

/** A valid flat row for reservation `n` of a run (each reservation its own guest). */
function row(run: string, n: number, overrides: Row = {}): Row {
  return {
    guestExternalId: `G-${run}-${n}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    email: `guest${n}.${run}@example.com`,
    reservationExternalId: `R-${run}-${n}`,
    confirmationNumber: `C-${run}-${n}`,
    roomNumber: String(100 + (n % 300)),
    roomType: 'Deluxe Double',
    arrivalDate: '2027-03-10',
    departureDate: '2027-03-13',
    status: 'confirmed',
    totalRate: '450.00',
    updatedAt: '2027-01-05T10:00:00Z',
    ...overrides,
  };
}

/** Defects a PMS export really has, each with the code the report must give it. */
const DEFECTS: { code: string; field?: string; change: (r: Row) => Row }[] = [
  { code: 'invalid_field', field: 'departureDate', change: (r) => ({ ...r, departureDate: '2027-03-09' }) },
  { code: 'invalid_field', field: 'arrivalDate', change: (r) => ({ ...r, arrivalDate: '2027-02-30' }) },
  { code: 'invalid_field', field: 'status', change: (r) => ({ ...r, status: 'teleported' }) },
  { code: 'invalid_field', field: 'phone', change: (r) => ({ ...r, phone: '12' }) },
  { code: 'invalid_field', field: 'email', change: (r) => ({ ...r, email: 'not-an-email' }) },
  { code: 'missing_field', field: 'roomType', change: ({ roomType: _omit, ...r }) => r },
  { code: 'invalid_field', field: 'totalRate', change: (r) => ({ ...r, totalRate: '12,5' }) },
  { code: 'unknown_field', field: 'roomColour', change: (r) => ({ ...r, roomColour: 'blue' }) },
  {
    code: 'missing_field',
    field: 'reservationExternalId',
    change: ({ reservationExternalId: _o, ...r }) => r,
  },
];

describe(PmsController.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;
  let admin: Pool;

  const importUrl = (propertyId: string) => `/api/v1/properties/${propertyId}/pms/import`;
  const importJson = (tenant: Tenant, rows: unknown, token = tenant.token) =>
    api.request<Report>('POST', importUrl(tenant.propertyId), { token, body: rows });
  const importCsv = (tenant: Tenant, csv: string | Buffer, filename = 'export.csv') => {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), filename);
    return api.request<Report>('POST', importUrl(tenant.propertyId), { token: tenant.token, form });
  };
  const reservationsByExternalId = async (tenant: Tenant, externalIds: string[]) => {
    const found = await admin.query<{ id: string; external_id: string }>(
      `select id, external_id from reservation.reservations
        where property_id = $1 and external_id = any($2::text[]) and deleted_at is null`,
      [tenant.propertyId, externalIds],
    );
    const out: Record<string, Reservation> = {};
    for (const r of found.rows) {
      const res = await api.request<Reservation>(
        'GET',
        `/api/v1/properties/${tenant.propertyId}/reservations/${r.id}`,
        { token: tenant.token },
      );
      out[r.external_id] = res.body;
    }
    return out;
  };
  const guest = async (tenant: Tenant, id: string) =>
    (
      await api.request<Guest>('GET', `/api/v1/properties/${tenant.propertyId}/guests/${id}`, {
        token: tenant.token,
      })
    ).body;
  const counts = async (propertyId: string) => {
    const r = await admin.query<{ guests: number; reservations: number }>(
      `select (select count(*)::int from guest.guests where property_id = $1) as guests,
              (select count(*)::int from reservation.reservations where property_id = $1) as reservations`,
      [propertyId],
    );
    return r.rows[0];
  };

  beforeAll(async () => {
    api = await startTestApi({
      PMS_IMPORT_JSON_MAX_BYTES: String(4 * MiB),
      PMS_IMPORT_MAX_BYTES: String(6 * MiB),
    });
    admin = pool(api.db.adminUrl, { max: 2 });
    a = await signupTenant(api, 'pmsa');
    b = await signupTenant(api, 'pmsb');
  });

  afterAll(async () => {
    await admin?.end();
    await api?.close();
  });

  describe('import (JSON)', () => {
    it('creates guests and reservations keyed by PMS ids, and a second import changes nothing', async () => {
      const run = unique();
      const rows = [1, 2, 3].map((n) => row(run, n));
      rows[1] = { ...rows[1], specialRequests: 'late checkout; extra pillows', phone: '+351 912 345 678' };

      const first = await importJson(a, rows);

      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        format: 'json',
        rows: 3,
        created: 3,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        guests: { created: 3, updated: 0, unchanged: 0 },
        reservations: { created: 3, updated: 0, unchanged: 0 },
        rejectedRows: [],
      });
      const held = await reservationsByExternalId(a, [`R-${run}-1`, `R-${run}-2`, `R-${run}-3`]);
      expect(held[`R-${run}-2`].syncedAt).not.toBeNull();
      expect(held[`R-${run}-2`]).toMatchObject({
        pmsUpdatedAt: '2027-01-05T10:00:00.000Z',
        confirmationNumber: `C-${run}-2`,
        roomType: 'Deluxe Double',
        arrivalDate: '2027-03-10',
        departureDate: '2027-03-13',
        status: 'confirmed',
        totalRate: '450.00',
        specialRequests: ['late checkout', 'extra pillows'],
      });
      const g = await guest(a, held[`R-${run}-2`].guestId);
      expect(g).toMatchObject({
        firstName: 'First2',
        lastName: 'Last2',
        email: `guest2.${run}@example.com`,
        phone: '+351912345678',
        externalIds: { pms: `G-${run}-2` },
      });

      const second = await importJson(a, rows);

      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3, rejected: 0 });
      expect(second.body.guests).toEqual({ created: 0, updated: 0, unchanged: 3 });
      expect(second.body.reservations).toEqual({ created: 0, updated: 0, unchanged: 3 });
    });

    it('reports exactly which of 10,000 rows are bad (3%), writes all the others, and is idempotent', async () => {
      const run = unique();
      const expected: { line: number; code: string; field?: string }[] = [];
      const rows = Array.from({ length: 10_000 }, (_, i) => {
        const good = row(run, i + 1);
        if (i % 100 >= 3) return good;
        const defect = DEFECTS[(Math.floor(i / 100) + (i % 100)) % DEFECTS.length];
        expected.push({ line: i + 1, code: defect.code, field: defect.field });
        return defect.change(good);
      });
      const before = await counts(a.propertyId);

      const first = await importJson(a, rows);

      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        rows: 10_000,
        created: 9_700,
        updated: 0,
        unchanged: 0,
        rejected: 300,
      });
      expect(first.body.rejectedRows.map((r) => ({ line: r.line, code: r.code, field: r.field }))).toEqual(
        expected,
      );
      expect(first.body.rejectedRows.every((r) => r.reason.length > 0)).toBe(true);
      const after = await counts(a.propertyId);
      expect(after.reservations - before.reservations).toBe(9_700);
      expect(after.guests - before.guests).toBe(9_700);

      const second = await importJson(a, rows);

      expect(second.body).toMatchObject({
        rows: 10_000,
        created: 0,
        updated: 0,
        unchanged: 9_700,
        rejected: 300,
      });
      expect(await counts(a.propertyId)).toEqual(after);
    });

    it('accepts nested rows and links a reservation to a guest that is already known by email', async () => {
      const run = unique();
      const known = await api.request<Guest>('POST', `/api/v1/properties/${a.propertyId}/guests`, {
        token: a.token,
        body: { firstName: 'Walk', lastName: 'In', email: `walkin.${run}@example.com` },
      });

      const res = await importJson(a, [
        {
          guest: { externalId: `G-${run}`, email: `Walkin.${run}@Example.com`, lastName: 'Inn' },
          reservation: {
            externalId: `R-${run}`,
            roomType: 'Suite',
            arrivalDate: '2027-04-01',
            departureDate: '2027-04-02',
          },
        },
      ]);

      expect(res.body).toMatchObject({ rejectedRows: [], created: 1, guests: { created: 0, updated: 1 } });
      const held = await reservationsByExternalId(a, [`R-${run}`]);
      expect(held[`R-${run}`].guestId).toBe(known.body.id);
      expect(held[`R-${run}`].confirmationNumber).toBe(`R-${run}`);
      expect(await guest(a, known.body.id)).toMatchObject({
        lastName: 'Inn',
        externalIds: { pms: `G-${run}` },
      });
    });

    it('adopts a reservation entered by hand when the PMS sends its confirmation number', async () => {
      const run = unique();
      const g = await api.request<Guest>('POST', `/api/v1/properties/${a.propertyId}/guests`, {
        token: a.token,
        body: { firstName: 'Hand', lastName: 'Made' },
      });
      const manual = await api.request<Reservation>(
        'POST',
        `/api/v1/properties/${a.propertyId}/reservations`,
        {
          token: a.token,
          body: {
            guestId: g.body.id,
            confirmationNumber: `C-${run}-1`,
            roomType: 'Twin',
            arrivalDate: '2027-05-01',
            departureDate: '2027-05-03',
          },
        },
      );

      const res = await importJson(a, [row(run, 1, { guestExternalId: undefined, email: undefined })]);

      expect(res.body).toMatchObject({ created: 0, updated: 1, rejected: 0 });
      const held = await reservationsByExternalId(a, [`R-${run}-1`]);
      expect(held[`R-${run}-1`]).toMatchObject({ id: manual.body.id, roomType: 'Deluxe Double' });
    });

    it('never lets older PMS data overwrite newer data', async () => {
      const run = unique();
      await importJson(a, [row(run, 1, { roomNumber: '501', updatedAt: '2027-01-05T12:00:00Z' })]);

      const older = await importJson(a, [
        row(run, 1, { roomNumber: '999', updatedAt: '2027-01-05T11:59:59Z' }),
      ]);
      const newer = await importJson(a, [
        row(run, 1, { roomNumber: '502', updatedAt: '2027-01-05T12:00:01Z' }),
      ]);

      expect(older.body).toMatchObject({ unchanged: 1, stale: 1, updated: 0 });
      expect(newer.body).toMatchObject({ updated: 1, stale: 0 });
      expect((await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`].roomNumber).toBe('502');
    });

    it('counts a checked-out stay on the guest once, however often it is imported', async () => {
      const run = unique();
      const stay = row(run, 1, {
        status: 'checked_out',
        arrivalDate: '2026-10-01',
        departureDate: '2026-10-04',
        actualDeparture: '2026-10-04T10:30:00Z',
        totalRate: '300.00',
      });

      await importJson(a, [stay]);
      await importJson(a, [stay]);

      const held = (await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`];
      expect(held.status).toBe('checked_out');
      expect(await guest(a, held.guestId)).toMatchObject({
        stayCount: 1,
        totalRevenue: '300.00',
        lastStayDate: '2026-10-04',
      });
    });

    it('rejects a reservation listed twice in one file and gives a guest on several rows one profile', async () => {
      const run = unique();
      const rows = [
        row(run, 1, {
          guestExternalId: `G-${run}`,
          phone: '+351912000001',
          updatedAt: '2027-01-01T00:00:00Z',
        }),
        row(run, 2, {
          guestExternalId: `G-${run}`,
          phone: '+351912000002',
          updatedAt: '2027-01-02T00:00:00Z',
        }),
        row(run, 1, { roomNumber: '777' }),
      ];
      rows[0].email = rows[1].email;

      const first = await importJson(a, rows);
      const second = await importJson(a, rows);

      expect(first.body).toMatchObject({ created: 2, rejected: 1, guests: { created: 1 } });
      expect(first.body.rejectedRows).toEqual([
        expect.objectContaining({ line: 3, code: 'duplicate_in_file', field: 'reservationExternalId' }),
      ]);
      expect(second.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 1 });
      const held = await reservationsByExternalId(a, [`R-${run}-1`, `R-${run}-2`]);
      expect(held[`R-${run}-1`].guestId).toBe(held[`R-${run}-2`].guestId);
      expect((await guest(a, held[`R-${run}-1`].guestId)).phone).toBe('+351912000002');
    });

    it("rejects a row whose email belongs to another PMS guest, and keeps the property's other rows", async () => {
      const run = unique();
      await importJson(a, [row(run, 1)]);

      const res = await importJson(a, [row(run, 2, { email: `guest1.${run}@example.com` }), row(run, 3)]);

      expect(res.body).toMatchObject({ created: 1, rejected: 1 });
      expect(res.body.rejectedRows[0]).toMatchObject({ line: 1, code: 'guest_conflict', field: 'email' });
    });
    it('skips rows already applied (same updatedAt) and undated rows over dated data, keeping staff edits', async () => {
      const run = unique();
      const dated = row(run, 1, { roomNumber: '101', updatedAt: '2027-06-01T00:00:00Z' });
      await importJson(a, [dated]);
      const held = (await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`];
      const edit = await api.request<Reservation>(
        'PATCH',
        `/api/v1/properties/${a.propertyId}/reservations/${held.id}`,
        {
          token: a.token,
          body: { version: (held as unknown as { version: number }).version, roomNumber: '305' },
        },
      );
      expect(edit.status).toBe(200);

      const same = await importJson(a, [dated]);
      const undated = await importJson(a, [row(run, 1, { roomNumber: '999', updatedAt: undefined })]);

      expect(same.body).toMatchObject({ unchanged: 1, updated: 0, stale: 0 });
      expect(undated.body).toMatchObject({ unchanged: 1, updated: 0, stale: 1 });
      expect((await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`].roomNumber).toBe('305');
    });

    it('counts a stay once when the PMS moves it out, back in and out again', async () => {
      const run = unique();
      const at = (status: string, updatedAt: string) =>
        row(run, 1, {
          status,
          updatedAt,
          arrivalDate: '2026-10-01',
          departureDate: '2026-10-04',
          totalRate: '300.00',
        });

      await importJson(a, [at('checked_out', '2026-10-04T10:00:00Z')]);
      await importJson(a, [at('checked_in', '2026-10-04T11:00:00Z')]);
      await importJson(a, [at('checked_out', '2026-10-04T12:00:00Z')]);

      const held = (await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`];
      expect(await guest(a, held.guestId)).toMatchObject({ stayCount: 1, totalRevenue: '300.00' });
    });

    it('treats rows naming one person by email (no PMS id) as one guest, and re-imports them unchanged', async () => {
      const run = unique();
      const email = `same.${run}@example.com`;
      const rows = [
        row(run, 1, { guestExternalId: undefined, email, firstName: 'Ann' }),
        row(run, 2, { guestExternalId: undefined, email, firstName: 'Anne' }),
      ];

      const first = await importJson(a, rows);
      const second = await importJson(a, rows);

      expect(first.body).toMatchObject({ created: 2, rejected: 0, guests: { created: 1 } });
      expect(second.body).toMatchObject({ unchanged: 2, guests: { created: 0, updated: 0, unchanged: 2 } });
      const held = await reservationsByExternalId(a, [`R-${run}-1`, `R-${run}-2`]);
      expect(held[`R-${run}-1`].guestId).toBe(held[`R-${run}-2`].guestId);
      expect((await guest(a, held[`R-${run}-1`].guestId)).firstName).toBe('Anne');
    });

    it('rejects only the rows holding values the database cannot store', async () => {
      const run = unique();
      const rows = [
        row(run, 1),
        row(run, 2, { lastName: 'Nul\u0000Byte' }),
        row(run, 3, { firstName: 'Broken\ud800' }),
        row(run, 4, { arrivalDate: '0000-01-01' }),
        row(run, 5),
      ];

      const res = await importJson(a, rows);

      expect(res.body).toMatchObject({ created: 2, rejected: 3 });
      expect(res.body.rejectedRows.map((r) => [r.line, r.field])).toEqual([
        [2, 'lastName'],
        [3, 'firstName'],
        [4, 'arrivalDate'],
      ]);
    });
  });

  describe('import (CSV)', () => {
    it('reads a BOM, quoted commas and quotes, CRLF and a field spanning lines', async () => {
      const run = unique();
      const csv =
        '\uFEFFguest_external_id,First Name,last_name,email,reservation_id,room_type,arrival_date,departure_date,special_requests,total_rate\r\n' +
        `G-${run}-1,"Mary, Jr.","O""Brien",mary.${run}@example.com,R-${run}-1,"Suite, sea view",2027-06-01,2027-06-04,"crib; ""quiet"" room",900.5\r\n` +
        `G-${run}-2,Ann,Lee,ann.${run}@example.com,R-${run}-2,Twin,2027-06-01,2027-06-02,"first line\r\nsecond line",100\r\n` +
        `G-${run}-3,Bad,Dates,bad.${run}@example.com,R-${run}-3,Twin,2027-06-05,2027-06-02,,100\r\n` +
        `G-${run}-4,Ok,Row,ok.${run}@example.com,R-${run}-4,Twin,2027-06-01,2027-06-02,,100\r\n`;

      const res = await importCsv(a, csv);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ format: 'csv', rows: 4, created: 3, rejected: 1 });
      expect(res.body.rejectedRows).toEqual([
        expect.objectContaining({ line: 5, code: 'invalid_field', field: 'departureDate' }),
      ]);
      const held = await reservationsByExternalId(a, [`R-${run}-1`, `R-${run}-2`]);
      expect(held[`R-${run}-1`]).toMatchObject({
        roomType: 'Suite, sea view',
        totalRate: '900.50',
        specialRequests: ['crib', '"quiet" room'],
      });
      expect(held[`R-${run}-2`].specialRequests).toEqual(['first line\r\nsecond line']);
      expect(await guest(a, held[`R-${run}-1`].guestId)).toMatchObject({
        firstName: 'Mary, Jr.',
        lastName: 'O"Brien',
      });

      const again = await importCsv(a, csv);
      expect(again.body).toMatchObject({ rows: 4, created: 0, updated: 0, unchanged: 3, rejected: 1 });
    });

    it('rejects a row with the wrong number of cells and keeps the others', async () => {
      const run = unique();
      const csv =
        'guestExternalId,lastName,reservationExternalId,roomType,arrivalDate,departureDate\n' +
        `G-${run}-1,One,R-${run}-1,Twin,2027-06-01,2027-06-02\n` +
        `G-${run}-2,Two,R-${run}-2,Twin,2027-06-01\n` +
        `G-${run}-3,Three,R-${run}-3,Twin,2027-06-01,2027-06-02\n`;

      const res = await importCsv(a, csv);

      expect(res.body).toMatchObject({ rows: 3, created: 2, rejected: 1 });
      expect(res.body.rejectedRows).toEqual([expect.objectContaining({ line: 3, code: 'invalid_row' })]);
    });

    it('refuses a header with unknown columns and writes nothing', async () => {
      const before = await counts(a.propertyId);

      const res = await importCsv(a, 'guestExternalId,roomColour\nG-1,blue\n');

      expectProblem(res, 400, 'unknown_columns');
      expect(await counts(a.propertyId)).toEqual(before);
    });

    it('refuses an empty file and a form without a file', async () => {
      expectProblem(await importCsv(a, ''), 400, 'invalid_import');
      const form = new FormData();
      form.append('note', 'no file here');
      expectProblem(
        await api.request('POST', importUrl(a.propertyId), { token: a.token, form }),
        400,
        'invalid_import',
      );
    });
    it('refuses a file whose quote is never closed, naming the line, and keeps stray quotes as text', async () => {
      const run = unique();
      const header = 'guestExternalId,lastName,reservationExternalId,roomType,arrivalDate,departureDate\n';
      const stray = `G-${run}-1,O"Brien"x,R-${run}-1,Twin,2027-06-01,2027-06-02\n`;
      const before = await counts(a.propertyId);

      const open = await importCsv(
        a,
        header + stray + `G-${run}-2,"Unclosed,R-${run}-2,Twin,2027-06-01,2027-06-02\n`,
      );
      const fine = await importCsv(a, header + stray);

      expect(expectProblem(open, 400, 'invalid_import').detail).toMatch(/line 3/);
      expect(await counts(a.propertyId)).not.toEqual(before); // only the second upload wrote
      expect(fine.body).toMatchObject({ rows: 1, created: 1, rejected: 0 });
      const held = await reservationsByExternalId(a, [`R-${run}-1`]);
      expect((await guest(a, held[`R-${run}-1`].guestId)).lastName).toBe('O"Brien"x');
    });
  });

  describe('import (limits and bad input)', () => {
    it('refuses more than 50,000 rows with 413 before writing anything', async () => {
      const before = await counts(a.propertyId);
      const rows = Array.from({ length: 50_001 }, () => ({}));

      expectProblem(await importJson(a, rows), 413, 'too_many_rows');
      expect(await counts(a.propertyId)).toEqual(before);
    });

    it('refuses a body that is not an array, and content types it cannot read', async () => {
      expectProblem(await importJson(a, { rows: [] }), 400, 'invalid_import');
      expectProblem(
        await api.request('POST', importUrl(a.propertyId), {
          token: a.token,
          raw: 'a,b',
          headers: { 'content-type': 'text/plain' },
        }),
        415,
        'unsupported_media_type',
      );
    });

    it('lets managers import but not front-desk or housekeeping staff', async () => {
      const manager = await addStaff(api, a, 'manager');
      const frontDesk = await addStaff(api, a, 'front_desk');

      expect((await importJson(a, [row(unique(), 1)], manager.token)).status).toBe(200);
      expectProblem(await importJson(a, [row(unique(), 1)], frontDesk.token), 403, 'forbidden');
    });

    it('cannot import into another property, and the same PMS ids stay apart in each property', async () => {
      const run = unique();
      await importJson(b, [row(run, 1, { roomNumber: '101' })]);

      expectProblem(await importJson(b, [row(run, 1)], a.token), 403, 'property_forbidden');
      const res = await importJson(a, [row(run, 1, { roomNumber: '202' })]);

      expect(res.body).toMatchObject({ created: 1 });
      expect((await reservationsByExternalId(a, [`R-${run}-1`]))[`R-${run}-1`].roomNumber).toBe('202');
      expect((await reservationsByExternalId(b, [`R-${run}-1`]))[`R-${run}-1`].roomNumber).toBe('101');
    });

    it('answers 413 for a JSON body or a CSV file over its limit, and writes nothing', async () => {
      const before = await counts(a.propertyId);
      const bigJson = [{ guestExternalId: 'G', lastName: 'x'.repeat(5 * MiB) }];
      const bigCsv = 'guestExternalId,lastName\n' + `G-1,${'x'.repeat(7 * MiB)}\n`;

      expectProblem(await importJson(a, bigJson), 413, 'payload_too_large');
      expectProblem(await importCsv(a, bigCsv), 413, 'file_too_large');
      expect(await counts(a.propertyId)).toEqual(before);
    });

    it('answers 400 for a broken upload: cut off, no boundary, two files, or the wrong field', async () => {
      const send = (raw: string, contentType: string) =>
        api.request('POST', importUrl(a.propertyId), {
          token: a.token,
          raw,
          headers: { 'content-type': contentType },
        });
      const part = (field: string, name: string) =>
        `--XYZ\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\nguestExternalId,lastName\r\nG-1,Lee\r\n`;

      expectProblem(
        await send(part('file', 'a.csv'), 'multipart/form-data; boundary=XYZ'),
        400,
        'invalid_import',
      );
      expectProblem(
        await send(part('file', 'a.csv') + '--XYZ--\r\n', 'multipart/form-data'),
        400,
        'invalid_import',
      );
      expectProblem(
        await send(
          part('file', 'a.csv') + part('file', 'b.csv') + '--XYZ--\r\n',
          'multipart/form-data; boundary=XYZ',
        ),
        400,
        'invalid_import',
      );
      expectProblem(
        await send(part('upload', 'a.csv') + '--XYZ--\r\n', 'multipart/form-data; boundary=XYZ'),
        400,
        'invalid_import',
      );
    });

    it('records the import in the audit log with its counts, and one event per created row', async () => {
      const run = unique();
      await importJson(a, [row(run, 1), row(run, 2)]);

      const audit = await admin.query<{ details: { import: { created: number } } }>(
        `select details from compliance.audit_log where property_id = $1 and action = 'pms.import'
          order by created_at desc limit 1`,
        [a.propertyId],
      );
      expect(audit.rows[0].details.import).toMatchObject({ created: 2, rows: 2 });
      const ids = Object.values(await reservationsByExternalId(a, [`R-${run}-1`, `R-${run}-2`])).map(
        (r) => r.id,
      );
      const events = await admin.query<{ n: number }>(
        `select count(*)::int as n from platform.outbox
          where property_id = $1 and payload->>'type' = 'reservation.created'
            and payload->'data'->>'reservationId' = any($2::text[])`,
        [a.propertyId, ids],
      );
      expect(events.rows[0].n).toBe(2);
    });
  });
});
