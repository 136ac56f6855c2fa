import { withoutSecrets } from './logging.module';

describe('withoutSecrets', () => {
  it('redacts token-bearing query values and keeps the rest', () => {
    expect(withoutSecrets('/api/v1/webchat/events?token=wcs_abc&x=1')).toBe(
      '/api/v1/webchat/events?token=[redacted]&x=1',
    );
    expect(
      withoutSecrets('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42'),
    ).toBe('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42');
    expect(withoutSecrets('/api/v1/properties?limit=5')).toBe('/api/v1/properties?limit=5');
  });
});
