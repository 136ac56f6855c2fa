import { randomBytes } from 'node:crypto';

import { StaffController } from '@app/platform';
import { addStaff, expectProblem, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

describe(StaffController.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    // A small pool: work that takes a second connection inside a transaction would deadlock.
    api = await startTestApi({ DATABASE_POOL_SIZE: '2' });
    a = await signupTenant(api, 'alpha');
    b = await signupTenant(api, 'bravo');
  });

  afterAll(async () => {
    await api.close();
  });

  const invite = (tenant: Tenant, propertyId: string, body: Record<string, unknown>, token = tenant.token) =>
    api.request('POST', `/api/v1/properties/${propertyId}/staff`, { token, body });

  describe('invite', () => {
    it('refuses to pull an account of another organization in, with or without a password', async () => {
      const withoutPassword = await invite(a, a.propertyId, {
        email: b.email,
        name: 'Taken',
        role: 'housekeeping',
      });
      const withPassword = await invite(a, a.propertyId, {
        email: b.email,
        name: 'Taken',
        role: 'housekeeping',
        password: 'a-long-enough-password',
      });
      const bStillWorks = await api.request('GET', `/api/v1/properties/${b.propertyId}`, { token: b.token });
      const staffOfA = await api.request<{ email: string }[]>(
        'GET',
        `/api/v1/properties/${a.propertyId}/staff`,
        {
          token: a.token,
        },
      );

      expectProblem(withoutPassword, 409, 'account_in_other_organization');
      expectProblem(withPassword, 409, 'account_in_other_organization');
      expect(bStillWorks.status).toBe(200);
      expect(staffOfA.body.map((s) => s.email)).not.toContain(b.email);
    });

    it('adds a colleague from another property of the same organization without a password', async () => {
      const second = await api.request<{ id: string }>('POST', '/api/v1/properties', {
        token: a.token,
        body: { name: 'Alpha Annex', code: `alpha-annex-${randomBytes(3).toString('hex')}`, timezone: 'UTC' },
      });
      const colleague = await addStaff(api, a, 'concierge');

      const added = await invite(a, second.body.id, {
        email: colleague.email,
        name: 'Colleague',
        role: 'front_desk',
      });
      const me = await api.request<{ properties: { id: string }[] }>('GET', '/api/v1/me', {
        token: colleague.token,
      });

      expect(added.status).toBe(201);
      expect(me.body.properties.map((p) => p.id).sort()).toEqual([a.propertyId, second.body.id].sort());
    });

    it('refuses to manage an organization owner through a property membership', async () => {
      const manager = await addStaff(api, a, 'manager');

      const res = await invite(
        a,
        a.propertyId,
        { email: a.email, name: 'Owner', role: 'housekeeping' },
        manager.token,
      );
      const ownerStillWorks = await api.request('GET', '/api/v1/me', { token: a.token });

      expectProblem(res, 409, 'organization_administrator');
      expect(ownerStillWorks.status).toBe(200);
    });
  });

  describe('refresh under a small pool', () => {
    it('rotates many sessions at once without exhausting the connection pool', async () => {
      const sessions = await Promise.all(
        Array.from({ length: 3 }, () =>
          api.request<{ refreshToken: string }>('POST', '/api/v1/auth/login', {
            body: { email: a.email, password: a.password },
          }),
        ),
      );
      const tokens = [...sessions.map((s) => s.body.refreshToken), a.refreshToken];

      const refreshed = await Promise.all(
        tokens.map((refreshToken) => api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } })),
      );

      expect(refreshed.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    });

    it('answers 401, not 500, for a refresh token whose id is not a UUID', async () => {
      const res = await api.request('POST', '/api/v1/auth/refresh', {
        body: { refreshToken: `${'-'.repeat(36)}.${'A'.repeat(43)}` },
      });

      expectProblem(res, 401, 'refresh_token_invalid');
    });
  });
});
