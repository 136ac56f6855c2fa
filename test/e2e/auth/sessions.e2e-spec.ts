import { randomBytes } from 'node:crypto';

import { AuthController } from '@app/platform/auth/auth.controller';
import { StaffController } from '@app/platform/identity/controllers/staff.controller';
import {
  addStaff,
  expectProblem,
  type Problem,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';
import jwt from 'jsonwebtoken';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface AuditEntry {
  action: string;
  actorId: string | null;
  resourceType: string;
  resourceId: string | null;
  details: Record<string, unknown> | null;
}

const EMAIL_FAILURE_LIMIT = 3;

const expiryOf = (token: string) => (jwt.decode(token) as { exp: number }).exp;

describe(AuthController.name, () => {
  let api: TestApi;

  beforeAll(async () => {
    // The per-IP limit (all requests come from 127.0.0.1) is covered by login-rate-limit.e2e-spec.ts.
    api = await startTestApi({
      LOGIN_RATE_LIMIT_PER_EMAIL: String(EMAIL_FAILURE_LIMIT),
      LOGIN_RATE_LIMIT_PER_IP: '1000',
    });
  });

  afterAll(async () => {
    await api.close();
  });

  const login = (email: string, password: string) =>
    api.request<TokenPair & Problem>('POST', '/api/v1/auth/login', { body: { email, password } });
  const refresh = (refreshToken: string) =>
    api.request<TokenPair & Problem>('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
  const logout = (token: string) => api.request<Problem>('POST', '/api/v1/auth/logout', { token });
  const me = (token: string) =>
    api.request<{ user: { id: string }; properties: { id: string }[] } & Problem>('GET', '/api/v1/me', {
      token,
    });

  async function loggedIn(tenant: Tenant): Promise<TokenPair> {
    const res = await login(tenant.email, tenant.password);
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  function signupBody(overrides: { email?: string; code?: string } = {}) {
    const id = randomBytes(4).toString('hex');
    return {
      organization: { name: `Group ${id}` },
      property: { name: `Hotel ${id}`, code: overrides.code ?? `hotel-${id}`, timezone: 'Europe/Lisbon' },
      owner: {
        name: 'Owner',
        email: overrides.email ?? `owner-${id}@example.com`,
        password: `pw-${randomBytes(12).toString('hex')}`,
      },
    };
  }

  describe('POST /api/v1/auth/refresh', () => {
    it('returns a new working token pair when the refresh token is current', async () => {
      const tenant = await signupTenant(api, 'rotate');

      const res = await refresh(tenant.refreshToken);

      expect(res.status).toBe(200);
      expect(res.body.refreshToken).not.toBe(tenant.refreshToken);
      // Access tokens carry no jti: within the same second the new one may equal the old one.
      expect(expiryOf(res.body.accessToken)).toBeGreaterThanOrEqual(expiryOf(tenant.token));
      const who = await me(res.body.accessToken);
      expect(who.status).toBe(200);
      expect(who.body.user.id).toBe(tenant.userId);
      expect((await refresh(res.body.refreshToken)).status).toBe(200);
    });

    it('answers 401 refresh_token_reused and revokes the whole family when a rotated token is replayed', async () => {
      const tenant = await signupTenant(api, 'reuse');
      const second = (await refresh(tenant.refreshToken)).body;
      const newest = (await refresh(second.refreshToken)).body;
      expect((await me(newest.accessToken)).status).toBe(200);

      const replay = await refresh(tenant.refreshToken);

      expectProblem(replay, 401, 'refresh_token_reused');
      expectProblem(await refresh(newest.refreshToken), 401, 'refresh_token_invalid');
      expectProblem(await me(newest.accessToken), 401, 'session_ended');
    });

    it('leaves the user’s other sessions working when one family is revoked for reuse', async () => {
      const tenant = await signupTenant(api, 'reuse-other');
      const other = await loggedIn(tenant);
      await refresh(tenant.refreshToken);

      await refresh(tenant.refreshToken);

      expect((await me(other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it.each([
      ['malformed', 'not-a-refresh-token'],
      ['unknown', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'A'.repeat(43)}`],
    ])('answers 401 refresh_token_invalid when the token is %s', async (_, token) => {
      const res = await refresh(token);

      expectProblem(res, 401, 'refresh_token_invalid');
    });

    it('answers 401 refresh_token_invalid when the secret part of a real token is altered', async () => {
      const tenant = await signupTenant(api, 'alter');
      const [id] = tenant.refreshToken.split('.');

      const res = await refresh(`${id}.${'B'.repeat(43)}`);

      expectProblem(res, 401, 'refresh_token_invalid');
      expect((await refresh(tenant.refreshToken)).status).toBe(200);
    });
  });

  describe('POST /api/v1/auth/logout', () => {
    it('revokes the session: its access token answers 401 session_ended and its refresh token 401', async () => {
      const tenant = await signupTenant(api, 'logout');

      const res = await logout(tenant.token);

      expect(res.status).toBe(204);
      expectProblem(await me(tenant.token), 401, 'session_ended');
      expectProblem(await refresh(tenant.refreshToken), 401, 'refresh_token_invalid');
    });

    it('leaves the user’s other sessions working', async () => {
      const tenant = await signupTenant(api, 'logout-other');
      const other = await loggedIn(tenant);

      await logout(tenant.token);

      expect((await me(other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });
  });

  describe('POST /api/v1/auth/signup', () => {
    it('answers 409 email_taken when the email already has an account, in any letter case', async () => {
      const tenant = await signupTenant(api, 'dup-email');

      const res = await api.request('POST', '/api/v1/auth/signup', {
        body: signupBody({ email: tenant.email.toUpperCase() }),
      });

      expectProblem(res, 409, 'email_taken');
    });

    it('answers 409 property_code_taken when the property code is in use', async () => {
      const tenant = await signupTenant(api, 'dup-code');
      const property = await api.request<{ code: string }>('GET', `/api/v1/properties/${tenant.propertyId}`, {
        token: tenant.token,
      });

      const res = await api.request('POST', '/api/v1/auth/signup', {
        body: signupBody({ code: property.body.code }),
      });

      expectProblem(res, 409, 'property_code_taken');
    });

    it('keeps nothing of a refused signup (its property code stays free)', async () => {
      const tenant = await signupTenant(api, 'atomic');
      const body = signupBody({ email: tenant.email });
      expectProblem(await api.request('POST', '/api/v1/auth/signup', { body }), 409, 'email_taken');

      const res = await api.request('POST', '/api/v1/auth/signup', {
        body: signupBody({ code: body.property.code }),
      });

      expect(res.status).toBe(201);
    });
  });

  describe('POST /api/v1/auth/login', () => {
    it('gives the same 401 body, except the correlation id, for a wrong password and an unknown email', async () => {
      const tenant = await signupTenant(api, 'no-hint');

      const wrongPassword = await login(tenant.email, `${tenant.password}-wrong`);
      const unknownEmail = await login(
        `nobody-${randomBytes(4).toString('hex')}@example.com`,
        tenant.password,
      );

      expectProblem(wrongPassword, 401, 'invalid_credentials');
      expectProblem(unknownEmail, 401, 'invalid_credentials');
      const { correlationId: a, ...wrongPasswordRest } = wrongPassword.body;
      const { correlationId: b, ...unknownEmailRest } = unknownEmail.body;
      expect(a).not.toBe(b);
      expect(wrongPasswordRest).toEqual(unknownEmailRest);
      expect(wrongPassword.headers.get('www-authenticate')).toBe(
        unknownEmail.headers.get('www-authenticate'),
      );
    });

    it('accepts the email in any letter case', async () => {
      const tenant = await signupTenant(api, 'case');
      const mixed = tenant.email
        .replace(/^./, (c) => c.toUpperCase())
        .replace('@example.com', '@EXAMPLE.Com');

      const res = await login(`  ${mixed} `, tenant.password);

      expect(res.status).toBe(200);
      const who = await me(res.body.accessToken);
      expect(who.body.user.id).toBe(tenant.userId);
    });

    it('answers 429 rate_limited with Retry-After, even for the right password, once an email is over its failure limit', async () => {
      const tenant = await signupTenant(api, 'limit');
      for (let i = 0; i < EMAIL_FAILURE_LIMIT; i++) {
        expectProblem(await login(tenant.email, `wrong-${i}`), 401, 'invalid_credentials');
      }

      const res = await login(tenant.email, tenant.password);

      expectProblem(res, 429, 'rate_limited');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expectProblem(await login(tenant.email.toUpperCase(), tenant.password), 429, 'rate_limited');
    });

    it('counts failures per email: another account still signs in after one is locked', async () => {
      const locked = await signupTenant(api, 'locked');
      const other = await signupTenant(api, 'unlocked');
      for (let i = 0; i < EMAIL_FAILURE_LIMIT; i++) await login(locked.email, `wrong-${i}`);

      const res = await login(other.email, other.password);

      expect(res.status).toBe(200);
    });

    it('resets the failure count after a successful sign-in', async () => {
      const tenant = await signupTenant(api, 'reset');
      for (let i = 0; i < EMAIL_FAILURE_LIMIT - 1; i++) await login(tenant.email, `wrong-${i}`);
      expect((await login(tenant.email, tenant.password)).status).toBe(200);

      for (let i = 0; i < EMAIL_FAILURE_LIMIT - 1; i++) await login(tenant.email, `wrong-again-${i}`);
      const res = await login(tenant.email, tenant.password);

      expect(res.status).toBe(200);
    });
  });

  describe(`${StaffController.name} deactivation`, () => {
    it('ends the member’s sessions and their access to the property when the owner sets active false', async () => {
      const tenant = await signupTenant(api, 'deactivate');
      const member = await addStaff(api, tenant, 'front_desk');
      const bystander = await addStaff(api, tenant, 'concierge');
      const property = `/api/v1/properties/${tenant.propertyId}`;
      expect((await api.request('GET', property, { token: member.token })).status).toBe(200);

      const res = await api.request<{ active: boolean }>('PATCH', `${property}/staff/${member.userId}`, {
        token: tenant.token,
        body: { active: false },
      });

      expect(res.status).toBe(200);
      expect(res.body.active).toBe(false);
      expectProblem(await refresh(member.refreshToken), 401, 'refresh_token_invalid');
      const withOldToken = await api.request<Problem>('GET', property, { token: member.token });
      expect([401, 403]).toContain(withOldToken.status);
      expect(['session_ended', 'property_forbidden']).toContain(withOldToken.body.code);
      // Signing in again works (the account is still active) but the property is gone.
      const again = await login(member.email, member.password);
      expect(again.status).toBe(200);
      const who = await me(again.body.accessToken);
      expect(who.body.properties.map((p) => p.id)).not.toContain(tenant.propertyId);
      const list = await api.request<{ id: string }[]>('GET', '/api/v1/properties', {
        token: again.body.accessToken,
      });
      expect(list.body.map((p) => p.id)).not.toContain(tenant.propertyId);
      expectProblem(
        await api.request('GET', property, { token: again.body.accessToken }),
        403,
        'property_forbidden',
      );
      // Nobody else was affected.
      expect((await api.request('GET', property, { token: bystander.token })).status).toBe(200);
      expect((await refresh(bystander.refreshToken)).status).toBe(200);
    });
  });

  describe('GET /api/v1/properties/:propertyId/audit-log', () => {
    let tenant: Tenant;
    let staffUserId: string;
    let housekeepingToken: string;
    let ownerToken: string;

    beforeAll(async () => {
      tenant = await signupTenant(api, 'audit');
      await login(tenant.email, 'definitely-wrong-password');
      const session = await loggedIn(tenant);
      ownerToken = session.accessToken;
      await refresh(tenant.refreshToken);
      await refresh(tenant.refreshToken);
      const staff = await addStaff(api, { ...tenant, token: ownerToken }, 'housekeeping');
      staffUserId = staff.userId;
      housekeepingToken = staff.token;
      const patched = await api.request(
        'PATCH',
        `/api/v1/properties/${tenant.propertyId}/staff/${staffUserId}`,
        { token: ownerToken, body: { department: 'floors' } },
      );
      expect(patched.status).toBe(200);
      const leaving = await loggedIn(tenant);
      expect((await logout(leaving.accessToken)).status).toBe(204);
    });

    const auditLog = (query: Record<string, string>, token = ownerToken) =>
      api.request<{ items: AuditEntry[] } & Problem>(
        'GET',
        `/api/v1/properties/${tenant.propertyId}/audit-log?${new URLSearchParams(query).toString()}`,
        { token },
      );

    it.each([
      ['auth.signup', 'organization'],
      ['auth.login', 'user'],
      ['auth.login_failed', 'user'],
      ['auth.refresh_reuse', 'user'],
      ['auth.logout', 'user'],
    ])('records %s by the owner', async (action, resourceType) => {
      const res = await auditLog({ action, actorId: tenant.userId });

      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(1);
      for (const item of res.body.items) {
        expect(item).toMatchObject({ action, actorId: tenant.userId, resourceType });
      }
    });

    it.each(['staff.invite', 'staff.update'])(
      'records %s by the owner with the staff member as the resource',
      async (action) => {
        const res = await auditLog({ action, actorId: tenant.userId });

        expect(res.status).toBe(200);
        expect(res.body.items).toHaveLength(1);
        expect(res.body.items[0]).toMatchObject({
          action,
          actorId: tenant.userId,
          resourceType: 'user',
          resourceId: staffUserId,
        });
      },
    );

    it('records why a login failed and which family a reuse revoked', async () => {
      const failed = await auditLog({ action: 'auth.login_failed', actorId: tenant.userId });
      const reuse = await auditLog({ action: 'auth.refresh_reuse', actorId: tenant.userId });

      expect(failed.body.items[0].details).toMatchObject({ reason: 'bad_password' });
      const signupSession = (jwt.decode(tenant.token) as { sid: string }).sid;
      expect(reuse.body.items[0].details).toMatchObject({ familyId: signupSession });
    });

    it('filters by actorId: the staff member’s own login is theirs, not the owner’s', async () => {
      const staffLogins = await auditLog({ action: 'auth.login', actorId: staffUserId });
      const ownerLogins = await auditLog({ action: 'auth.login', actorId: tenant.userId });
      const allLogins = await auditLog({ action: 'auth.login' });

      expect(staffLogins.body.items).toHaveLength(1);
      expect(staffLogins.body.items[0].actorId).toBe(staffUserId);
      expect(ownerLogins.body.items.every((i) => i.actorId === tenant.userId)).toBe(true);
      expect(allLogins.body.items).toHaveLength(
        staffLogins.body.items.length + ownerLogins.body.items.length,
      );
    });

    it('answers 403 forbidden to a housekeeping member for the audit log', async () => {
      const res = await auditLog({}, housekeepingToken);

      expectProblem(res, 403, 'forbidden');
    });

    it('answers 403 forbidden to a housekeeping member for the staff list', async () => {
      const res = await api.request('GET', `/api/v1/properties/${tenant.propertyId}/staff`, {
        token: housekeepingToken,
      });

      expectProblem(res, 403, 'forbidden');
    });
  });
});
