import { randomBytes } from 'node:crypto';

import { AuthController } from '@app/platform/auth/auth.controller';
import { signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

const IP_ATTEMPT_LIMIT = 5;

/** The per-IP login limit needs its own api: every request in a file comes from 127.0.0.1. */
describe(AuthController.name, () => {
  let api: TestApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startTestApi({ LOGIN_RATE_LIMIT_PER_IP: String(IP_ATTEMPT_LIMIT) });
    tenant = await signupTenant(api, 'ip-limit');
  });

  afterAll(async () => {
    await api.close();
  });

  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    api.request<{ code?: string; accessToken?: string }>('POST', '/api/v1/auth/login', {
      body: { email, password },
      headers,
    });

  describe('POST /api/v1/auth/login', () => {
    it('answers 429 rate_limited with Retry-After once the IP has used its attempts, whatever the email or X-Forwarded-For', async () => {
      // Distinct unknown emails, so the per-email failure limit never applies.
      for (let i = 0; i < IP_ATTEMPT_LIMIT; i++) {
        const res = await login(
          `nobody-${i}-${randomBytes(3).toString('hex')}@example.com`,
          'wrong-password',
        );
        expect(res.status).toBe(401);
      }

      const res = await login(tenant.email, tenant.password);

      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(res.body.accessToken).toBeUndefined();
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      // X-Forwarded-For is ignored while the proxy is not trusted, so the limit cannot be dodged.
      const spoofed = await login(tenant.email, tenant.password, { 'x-forwarded-for': '203.0.113.9' });
      expect(spoofed.status).toBe(429);
    });
  });
});
