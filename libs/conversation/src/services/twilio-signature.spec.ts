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

  it('signs accents and emoji as UTF-8', () => {
    const body = { Body: 'Olá! Mais toalhas 🙏', From: '+351912345678' };

    const sig = twilioSignature(
      '0123456789abcdef0123456789abcdef',
      'https://h.example/webhooks/twilio/messages',
      body,
    );

    expect(
      twilioSignatureValid(
        '0123456789abcdef0123456789abcdef',
        'https://h.example/webhooks/twilio/messages',
        body,
        sig,
      ),
    ).toBe(true);
  });
});
