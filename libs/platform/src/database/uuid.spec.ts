import { isUuid, orderedUuidv7, uuidv7 } from './uuid';

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that carry the time and sort by it', () => {
    const at = Date.UTC(2026, 10, 22, 12, 0, 0);

    const earlier = uuidv7(at);
    const later = uuidv7(at + 1);

    expect(isUuid(earlier)).toBe(true);
    expect(earlier[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(earlier[19]);
    expect(parseInt(earlier.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(earlier < later).toBe(true);
    expect(uuidv7(at)).not.toBe(earlier);
  });
});

describe('orderedUuidv7', () => {
  it('counts up within a millisecond, so ids made one after another sort in that order', () => {
    const ids = Array.from({ length: 10_000 }, () => orderedUuidv7());

    expect(ids.every(isUuid)).toBe(true);
    expect(ids.every((id) => id[14] === '7' && ['8', '9', 'a', 'b'].includes(id[19]))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // Within a millisecond or two of now, even when 10,000 ids overflow a millisecond's counter.
    const ms = parseInt(ids[ids.length - 1].replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(1000);
  });
});
