import { createHmac } from 'node:crypto';

import { twilioSignature, twilioSignatureValid } from './twilio-signature';

describe('twilioSignature', () => {
  // The worked example from Twilio's webhook security documentation.
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };

  it("matches Twilio's documented example", () => {
    expect(twilioSignature(token, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('refuses a tampered parameter, another URL and another token', () => {
    const good = twilioSignature(token, url, params);

    expect(twilioSignatureValid(token, url, params, good)).toBe(true);
    expect(twilioSignatureValid(token, url, { ...params, Digits: '1235' }, good)).toBe(false);
    expect(twilioSignatureValid(token, url.replace('foo=1', 'foo=2'), params, good)).toBe(false);
    expect(twilioSignatureValid('54321', url, params, good)).toBe(false);
    expect(twilioSignatureValid(token, url, params, '')).toBe(false);
  });

  it('signs accents and emoji as UTF-8 bytes, parameters sorted by name', () => {
    const token = '0123456789abcdef0123456789abcdef';
    const url = 'https://h.example/webhooks/twilio/messages';
    const body = { From: '+351912345678', Body: 'Olá! Mais toalhas 🙏' };
    // Written out by hand: URL, then Body before From (sorted), each name followed by its value.
    const expected = createHmac('sha1', token)
      .update(Buffer.from(`${url}BodyOlá! Mais toalhas 🙏From+351912345678`, 'utf8'))
      .digest('base64');

    expect(twilioSignature(token, url, body)).toBe(expected);
  });
});
