import { luhnValid, redact } from './redaction';

describe(redact.name, () => {
  describe('cards', () => {
    it.each([
      ['my card is 4111 1111 1111 1111 exp 12/28', 'my card is [card] exp 12/28'],
      ['charge 5500-0000-0000-0004 please', 'charge [card] please'],
      ['amex 378282246310005', 'amex [card]'],
    ])('removes a Luhn-valid card number from %s', (text, want) => {
      expect(redact(text).text).toBe(want);
    });

    it('keeps digit runs that are not card numbers (Luhn fails)', () => {
      expect(redact('booking ref 1234567890123').text).toBe('booking ref 1234567890123');
      expect(luhnValid('4111111111111112')).toBe(false);
    });
  });

  describe('emails and phones', () => {
    it('removes email addresses in any script', () => {
      expect(redact('write to ana.silva+hotel@example.co.uk or josé@correo.es').text).toBe(
        'write to [email] or [email]',
      );
    });

    it('removes international and national phone numbers', () => {
      const r = redact('call me on +44 20 7946 0958 or 912 345 678', 'PT');
      expect(r.text).toBe('call me on [phone] or [phone]');
      expect(r.redactions).toEqual([{ kind: 'phone', count: 2 }]);
    });

    it('keeps room numbers, times, prices and dates', () => {
      const text = 'Room 204, at 19:30 on 28/11, it cost 45 EUR for 2 nights';
      expect(redact(text, 'ES').text).toBe(text);
    });
  });

  describe('identity documents', () => {
    it.each([
      ['My passport number is X1234567', 'My passport number is [id_document]'],
      ['pasaporte: PAB123456', 'pasaporte: [id_document]'],
      ['numéro de passeport 12AB34567', 'numéro de passeport [id_document]'],
      ['Personalausweis Nr. L01X00T47', 'Personalausweis Nr. [id_document]'],
      ['il mio passaporto è YA1234567', 'il mio passaporto è [id_document]'],
      ['CPF 123.456.789-09', 'CPF [id_document]'],
      ['DNI 12345678Z please', 'DNI [id_document] please'],
      ['NIE X1234567L', 'NIE [id_document]'],
    ])('removes the number in %s', (text, want) => {
      expect(redact(text).text).toBe(want);
    });

    it('keeps the word when no number follows', () => {
      expect(redact('Do I need my passport at check-in?').text).toBe('Do I need my passport at check-in?');
    });
  });

  it('removes IBANs and reports counts by kind, never values', () => {
    const r = redact('refund to ES91 2100 0418 4502 0005 1332, mail me at a@b.com, card 4111111111111111');
    expect(r.text).toBe('refund to [iban], mail me at [email], card [card]');
    expect(r.redactions).toEqual(
      expect.arrayContaining([
        { kind: 'iban', count: 1 },
        { kind: 'email', count: 1 },
        { kind: 'card', count: 1 },
      ]),
    );
    expect(JSON.stringify(r.redactions)).not.toMatch(/\d{4}/);
  });
});
