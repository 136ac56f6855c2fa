import { isUuid, uuidv7 } from './uuid';

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
