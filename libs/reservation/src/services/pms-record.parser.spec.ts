import { columnTarget, RecordParser, RowRejected } from './pms-record.parser';

const parser = new RecordParser('America/Los_Angeles', (raw) =>
  /^\+?\d{8,15}$/.test(raw) ? `+${raw.replace('+', '')}` : undefined,
);
const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RowRejected) return { code: err.code, field: err.field };
    throw err;
  }
  throw new Error('expected the row to be rejected');
};
const base = {
  reservationExternalId: 'R1',
  roomType: 'Twin',
  arrivalDate: '2027-03-10',
  departureDate: '2027-03-12',
};

describe(RecordParser.name, () => {
  describe('fromObject', () => {
    it('splits a flat row into guest and reservation, with updatedAt dating both', () => {
      const record = parser.fromObject(
        { ...base, guest_id: 'G1', 'Last Name': ' Lee ', updated_at: '2027-01-05T10:00:00+02:00' },
        7,
      );

      expect(record).toMatchObject({
        line: 7,
        guest: { externalId: 'G1', lastName: 'Lee', updatedAt: '2027-01-05T08:00:00.000Z' },
        reservation: { externalId: 'R1', roomType: 'Twin', updatedAt: '2027-01-05T08:00:00.000Z' },
      });
    });

    it('reads nested records, where externalId names the record it sits in', () => {
      const record = parser.fromObject(
        {
          guest: { externalId: 'G1' },
          reservation: { ...base, reservationExternalId: undefined, externalId: 'R9' },
        },
        1,
      );

      expect(record.guest?.externalId).toBe('G1');
      expect(record.reservation?.externalId).toBe('R9');
    });

    it('reads timestamps without an offset in the hotel zone, across a DST change', () => {
      const winter = parser.fromObject({ ...base, actualArrival: '2027-03-13 23:30' }, 1);
      const summer = parser.fromObject({ ...base, actualArrival: '2027-03-14T03:30' }, 1);

      expect(winter.reservation?.actualArrival).toBe('2027-03-14T07:30:00.000Z');
      expect(summer.reservation?.actualArrival).toBe('2027-03-14T10:30:00.000Z');
    });

    it.each([
      ['a day that does not exist', { arrivalDate: '2027-02-29' }, 'arrivalDate'],
      [
        'a leap day in a common year of a timestamp',
        { actualArrival: '2027-02-29T10:00:00Z' },
        'actualArrival',
      ],
      ['departure on the arrival day', { departureDate: '2027-03-10' }, 'departureDate'],
      ['an unknown status', { status: 'teleported' }, 'status'],
      ['a negative total', { totalRate: '-1' }, 'totalRate'],
      ['an amount with a comma', { balance: '12,50' }, 'balance'],
      ['an unparsable phone', { phone: '12' }, 'phone'],
      ['a bad email', { email: 'nobody' }, 'email'],
      ['an unknown field', { roomColour: 'blue' }, 'roomColour'],
      ['a too long room number', { roomNumber: 'x'.repeat(21) }, 'roomNumber'],
      ['a NUL byte', { roomType: 'Tw\u0000in' }, 'roomType'],
      ['half a surrogate pair', { rateCode: 'BAR\ud83d' }, 'rateCode'],
      ['year zero', { arrivalDate: '0000-12-30' }, 'arrivalDate'],
    ])('rejects %s', (_case, change, field) => {
      expect(rejection(() => parser.fromObject({ ...base, ...change }, 1))).toMatchObject({ field });
    });

    it('accepts 29 February in a leap year, PMS status spellings and split special requests', () => {
      const record = parser.fromObject(
        {
          ...base,
          arrivalDate: '2028-02-29',
          departureDate: '2028-03-01',
          status: 'In-House',
          specialRequests: 'crib; quiet |',
        },
        1,
      );

      expect(record.reservation).toMatchObject({ status: 'checked_in', specialRequests: ['crib', 'quiet'] });
    });

    it('treats empty values as not given, and a row of only updatedAt as empty', () => {
      const record = parser.fromObject(
        { reservationExternalId: '', email: '  ', updatedAt: '2027-01-05T10:00:00Z' },
        1,
      );

      expect(record).toEqual({ line: 1, guest: undefined, reservation: undefined });
    });
  });

  describe('fromCells', () => {
    it('rejects a row with the wrong number of cells', () => {
      const targets = ['guest_id', 'last_name'].map((h) => columnTarget(h)!);

      expect(rejection(() => parser.fromCells(targets, ['G1'], 3))).toMatchObject({ code: 'invalid_row' });
    });
  });
});
