import { PiiVault } from './pii-vault';

describe('PiiVault', () => {
  it('gives the same value the same marker and counts every redaction', () => {
    const v = new PiiVault('ES');
    const a = v.redact('Write to ana.lopez@example.com or call +34 612 345 678', 'guest');
    const b = v.redact('Again: ana.lopez@example.com', 'guest');
    expect(a).toBe('Write to [email_1] or call [phone_2]');
    expect(b).toBe('Again: [email_1]');
    expect(v.redactions).toEqual(
      expect.arrayContaining([
        { kind: 'email', count: 2 },
        { kind: 'phone', count: 1 },
      ]),
    );
  });

  it("puts back the hotel's contact details but never the guest's", () => {
    const v = new PiiVault('PT');
    v.redact('My number is +351 912 345 678', 'guest');
    const hotel = v.redact('Front desk: +351 213 000 000, frontdesk@hotel.example', 'hotel');
    expect(hotel).toBe('Front desk: [phone_3], [email_2]'); // emails are found first
    expect(v.restore('Call [phone_3] or write to [email_2]; yours is [phone_1].')).toBe(
      'Call +351 213 000 000 or write to frontdesk@hotel.example; yours is [phone_1].',
    );
  });

  it('never puts back a card number, even from hotel data', () => {
    const v = new PiiVault();
    const out = v.redact('card 4111 1111 1111 1111', 'hotel');
    expect(out).toBe('card [card_1]');
    expect(v.restore('[card_1]')).toBe('[card_1]');
    expect(v.hasUnrestorable(v.restore('[card_1]'))).toBe(true);
  });

  it('redacts a number written nationally, with no country to read it against', () => {
    const v = new PiiVault();
    expect(v.redact('call me on 612 345 678 or 0612-345-678 after 18:30, room 204', 'guest')).toBe(
      'call me on [phone_1] or [phone_2] after 18:30, room 204',
    );
  });

  it('redacts short national numbers too, but keeps dates, times and room numbers', () => {
    const v = new PiiVault();
    expect(v.redact('Ring me på 20 12 34 56 or 555-1234', 'guest')).toBe('Ring me på [phone_1] or [phone_2]');
    expect(v.redact('from 2026-11-22 to 25.11.2026, at 18:30, room 1204', 'guest')).toBe(
      'from 2026-11-22 to 25.11.2026, at 18:30, room 1204',
    );
  });
});
