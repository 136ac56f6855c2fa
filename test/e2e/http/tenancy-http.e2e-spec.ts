import { randomBytes } from 'node:crypto';

import { PropertyAccessGuard } from '@app/platform/tenancy/property-access.guard';
import {
  addStaff,
  expectProblem,
  type Problem,
  signupTenant,
  startTestApi,
  type Tenant,
  type TestApi,
} from '@app/testing';

interface Property {
  id: string;
  name: string;
  code: string;
  timezone: string;
  roles: string[];
  settings: {
    escalation: { threshold: number };
    channels: Record<string, boolean>;
    features: Record<string, boolean>;
    branding: { name: string; primaryColor: string; logoUrl: string | null };
    defaultLanguage: string;
  };
}

interface StaffMember {
  userId: string;
  active: boolean;
  role: string;
}

describe(PropertyAccessGuard.name, () => {
  let api: TestApi;
  let a: Tenant;
  let b: Tenant;
  let bStaff: { userId: string; token: string; refreshToken: string };

  beforeAll(async () => {
    api = await startTestApi();
    a = await signupTenant(api, 'tenant-a');
    b = await signupTenant(api, 'tenant-b');
    bStaff = await addStaff(api, b, 'front_desk');
  });

  afterAll(async () => {
    await api.close();
  });

  const bProperty = () => `/api/v1/properties/${b.propertyId}`;

  describe('routes of another tenant’s property', () => {
    const routes: { name: string; method: string; path: () => string; body?: () => unknown }[] = [
      { name: 'GET property', method: 'GET', path: bProperty },
      {
        name: 'PATCH property',
        method: 'PATCH',
        path: bProperty,
        body: () => ({ name: 'Hijacked', settings: { escalation: { threshold: 0.1 } } }),
      },
      { name: 'GET staff', method: 'GET', path: () => `${bProperty()}/staff` },
      {
        name: 'POST staff',
        method: 'POST',
        path: () => `${bProperty()}/staff`,
        body: () => ({
          email: `intruder-${randomBytes(4).toString('hex')}@example.com`,
          name: 'Intruder',
          role: 'manager',
          password: `pw-${randomBytes(12).toString('hex')}`,
        }),
      },
      {
        name: 'PATCH staff/:userId',
        method: 'PATCH',
        path: () => `${bProperty()}/staff/${bStaff.userId}`,
        body: () => ({ active: false }),
      },
      { name: 'GET audit-log', method: 'GET', path: () => `${bProperty()}/audit-log` },
    ];

    it.each(routes)('answers 403 property_forbidden to the other tenant’s owner on $name', async (route) => {
      const res = await api.request(route.method, route.path(), { token: a.token, body: route.body?.() });

      expectProblem(res, 403, 'property_forbidden');
    });

    it('leaves the property, its settings and its staff unchanged after the refused writes', async () => {
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        await api.request(route.method, route.path(), { token: a.token, body: route.body?.() });
      }

      const property = await api.request<Property>('GET', bProperty(), { token: b.token });
      const staff = await api.request<StaffMember[]>('GET', `${bProperty()}/staff`, { token: b.token });

      expect(property.body.name).not.toBe('Hijacked');
      expect(property.body.settings.escalation.threshold).toBe(0.7);
      expect(staff.body.map((s) => s.userId).sort()).toEqual([b.userId, bStaff.userId].sort());
      expect(staff.body.find((s) => s.userId === bStaff.userId)?.active).toBe(true);
      expect((await api.request('GET', bProperty(), { token: bStaff.token })).status).toBe(200);
    });

    it('answers 403 property_forbidden to a staff member of the other tenant', async () => {
      const aStaff = await addStaff(api, a, 'manager');

      const res = await api.request('GET', `${bProperty()}/staff`, { token: aStaff.token });

      expectProblem(res, 403, 'property_forbidden');
    });

    it('answers 404 staff_not_found when a tenant names the other tenant’s staff user on its own route', async () => {
      const res = await api.request('PATCH', `/api/v1/properties/${a.propertyId}/staff/${bStaff.userId}`, {
        token: a.token,
        body: { active: false },
      });

      expectProblem(res, 404, 'staff_not_found');
      const staff = await api.request<StaffMember[]>('GET', `${bProperty()}/staff`, { token: b.token });
      expect(staff.body.find((s) => s.userId === bStaff.userId)?.active).toBe(true);
    });

    it('answers 403 property_forbidden for a well-formed id that is no property at all', async () => {
      const res = await api.request('GET', '/api/v1/properties/00000000-0000-4000-8000-000000000000', {
        token: a.token,
      });

      expectProblem(res, 403, 'property_forbidden');
    });
  });

  describe('malformed ids', () => {
    it.each([
      ['GET', '/api/v1/properties/not-a-uuid'],
      ['PATCH', '/api/v1/properties/not-a-uuid'],
      ['GET', '/api/v1/properties/not-a-uuid/staff'],
      ['GET', '/api/v1/properties/1234/audit-log'],
      ['GET', "/api/v1/properties/'%20or%201=1/staff"],
    ])('answers 400 validation_failed for %s %s', async (method, path) => {
      const res = await api.request<Problem>(method, path, {
        token: a.token,
        body: method === 'GET' ? undefined : {},
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.[0].field).toBe('propertyId');
    });

    it('answers 400 validation_failed for a malformed staff user id', async () => {
      const res = await api.request<Problem>('PATCH', `/api/v1/properties/${a.propertyId}/staff/not-a-uuid`, {
        token: a.token,
        body: { active: false },
      });

      expectProblem(res, 400, 'validation_failed');
    });
  });

  describe('POST /api/v1/properties', () => {
    it('lets an organization owner add a second property, seen in /me and GET /properties', async () => {
      const owner = await signupTenant(api, 'chain');
      const code = `second-${randomBytes(4).toString('hex')}`;

      const created = await api.request<Property>('POST', '/api/v1/properties', {
        token: owner.token,
        body: { name: 'Second Hotel', code, timezone: 'America/New_York' },
      });

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Second Hotel', code, timezone: 'America/New_York' });
      const me = await api.request<{ properties: { id: string; roles: string[] }[] }>('GET', '/api/v1/me', {
        token: owner.token,
      });
      expect(me.body.properties.map((p) => p.id).sort()).toEqual([owner.propertyId, created.body.id].sort());
      expect(me.body.properties.every((p) => p.roles.includes('owner'))).toBe(true);
      const list = await api.request<Property[]>('GET', '/api/v1/properties', { token: owner.token });
      expect(list.body.map((p) => p.id).sort()).toEqual([owner.propertyId, created.body.id].sort());
      const second = await api.request<Property>('GET', `/api/v1/properties/${created.body.id}`, {
        token: owner.token,
      });
      expect(second.status).toBe(200);
      expect(second.body.settings.escalation.threshold).toBe(0.7);
    });

    it('keeps the new property out of other tenants’ reach', async () => {
      const owner = await signupTenant(api, 'chain-private');
      const created = await api.request<Property>('POST', '/api/v1/properties', {
        token: owner.token,
        body: { name: 'Private Hotel', code: `private-${randomBytes(4).toString('hex')}`, timezone: 'UTC' },
      });

      const res = await api.request('GET', `/api/v1/properties/${created.body.id}`, { token: a.token });

      expectProblem(res, 403, 'property_forbidden');
      const list = await api.request<Property[]>('GET', '/api/v1/properties', { token: a.token });
      expect(list.body.map((p) => p.id)).toEqual([a.propertyId]);
    });

    it('answers 403 to a property manager, who administers no organization', async () => {
      const manager = await addStaff(api, a, 'manager');

      const res = await api.request('POST', '/api/v1/properties', {
        token: manager.token,
        body: { name: 'Rogue Hotel', code: `rogue-${randomBytes(4).toString('hex')}`, timezone: 'UTC' },
      });

      expectProblem(res, 403, 'forbidden');
    });

    it('answers 400 with errors[] naming timezone when the time zone is not an IANA zone', async () => {
      const res = await api.request<Problem>('POST', '/api/v1/properties', {
        token: a.token,
        body: {
          name: 'Nowhere',
          code: `nowhere-${randomBytes(4).toString('hex')}`,
          timezone: 'Mars/Olympus',
        },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['timezone']);
    });
  });

  describe('PATCH /api/v1/properties/:propertyId', () => {
    let owner: Tenant;
    let managerToken: string;
    const path = () => `/api/v1/properties/${owner.propertyId}`;

    beforeAll(async () => {
      owner = await signupTenant(api, 'settings');
      managerToken = (await addStaff(api, owner, 'manager')).token;
    });

    it('returns the default effective settings before any change', async () => {
      const res = await api.request<Property>('GET', path(), { token: managerToken });

      expect(res.status).toBe(200);
      expect(res.body.settings).toMatchObject({
        escalation: { threshold: 0.7 },
        channels: { whatsapp: true, sms: true, email: true, webchat: true },
        defaultLanguage: 'en',
      });
    });

    it('lets a manager change settings, merged key by key into the effective settings', async () => {
      const first = await api.request<Property>('PATCH', path(), {
        token: managerToken,
        body: { settings: { channels: { sms: false } } },
      });
      const second = await api.request<Property>('PATCH', path(), {
        token: managerToken,
        body: { settings: { features: { translation: false }, defaultLanguage: 'pt' } },
      });

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body.settings).toMatchObject({
        channels: { whatsapp: true, sms: false, email: true, webchat: true },
        features: { aiConcierge: true, proactiveMessaging: true, translation: false },
        escalation: { threshold: 0.7 },
        defaultLanguage: 'pt',
      });
      const read = await api.request<Property>('GET', path(), { token: owner.token });
      expect(read.body.settings).toEqual(second.body.settings);
    });

    it.each([
      ['name', { name: 'Renamed by manager' }],
      ['timezone', { timezone: 'Asia/Tokyo' }],
    ])('answers 403 forbidden when a manager changes %s, and changes nothing', async (_, body) => {
      const before = await api.request<Property>('GET', path(), { token: owner.token });

      const res = await api.request('PATCH', path(), {
        token: managerToken,
        body: { ...body, settings: { escalation: { threshold: 0.2 } } },
      });

      expectProblem(res, 403, 'forbidden');
      const after = await api.request<Property>('GET', path(), { token: owner.token });
      expect(after.body).toMatchObject({
        name: before.body.name,
        timezone: before.body.timezone,
        settings: { escalation: { threshold: before.body.settings.escalation.threshold } },
      });
    });

    it('lets the owner change the name and time zone', async () => {
      const res = await api.request<Property>('PATCH', path(), {
        token: owner.token,
        body: { name: 'Renamed by owner', timezone: 'Asia/Tokyo' },
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Renamed by owner', timezone: 'Asia/Tokyo' });
    });

    it('answers 400 with errors[] naming timezone when the time zone is invalid', async () => {
      const res = await api.request<Problem>('PATCH', path(), {
        token: owner.token,
        body: { timezone: 'Europe/Atlantis' },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'timezone' })]);
    });

    it('answers 400 with the nested field path when a setting is out of range', async () => {
      const res = await api.request<Problem>('PATCH', path(), {
        token: managerToken,
        body: { settings: { escalation: { threshold: 1.5 } } },
      });

      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['settings.escalation.threshold']);
    });
  });
});
