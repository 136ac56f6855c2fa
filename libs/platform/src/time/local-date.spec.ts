import { DateTime } from 'luxon';

import { localDate } from './local-date';

describe(localDate.name, () => {
  const zones = [
    'UTC',
    'Europe/Madrid',
    'America/Los_Angeles',
    'Asia/Kolkata',
    'Pacific/Auckland',
    'Pacific/Chatham',
    'Pacific/Kiritimati',
  ];

  it("agrees with luxon's date in the zone, across days, DST changes and half-hour offsets", () => {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 800; i++) {
      // Every 11 h 7 min 13 s through a year: all hours of the day, both DST changes.
      const at = new Date(start + i * (11 * 3600 + 7 * 60 + 13) * 1000);
      for (const zone of zones)
        expect([zone, at.toISOString(), localDate(zone, at)]).toEqual([
          zone,
          at.toISOString(),
          DateTime.fromJSDate(at).setZone(zone).toISODate(),
        ]);
    }
  });

  it('gives the date on either side of midnight in the zone', () => {
    expect(localDate('Europe/Madrid', new Date('2026-06-30T21:59:59Z'))).toBe('2026-06-30');
    expect(localDate('Europe/Madrid', new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(localDate('America/Los_Angeles', new Date('2026-01-01T07:59:59Z'))).toBe('2025-12-31');
  });

  it('is today by default', () => {
    expect(localDate('Asia/Kolkata')).toBe(DateTime.now().setZone('Asia/Kolkata').toISODate());
  });

  it('refuses a zone that does not exist', () => {
    expect(() => localDate('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
