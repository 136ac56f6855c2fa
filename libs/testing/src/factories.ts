import { randomBytes } from 'node:crypto';

import { type TestApi } from './test-api';

export interface Tenant {
  token: string;
  refreshToken: string;
  userId: string;
  email: string;
  password: string;
  organizationId: string;
  propertyId: string;
  propertyCode: string;
}

const unique = () => randomBytes(4).toString('hex');

/** Signs up a new organization with one property and its owner, through the real endpoint. */
export async function signupTenant(api: TestApi, label = 'hotel'): Promise<Tenant> {
  const id = unique();
  const email = `owner-${label}-${id}@example.com`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const res = await api.request<{
    accessToken: string;
    refreshToken: string;
    user: { id: string };
    organization: { id: string };
    property: { id: string };
  }>('POST', '/api/v1/auth/signup', {
    body: {
      organization: { name: `Group ${label} ${id}` },
      property: { name: `Hotel ${label} ${id}`, code: `${label}-${id}`, timezone: 'Europe/Lisbon' },
      owner: { name: `Owner ${label}`, email, password },
    },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    userId: res.body.user.id,
    email,
    password,
    organizationId: res.body.organization.id,
    propertyId: res.body.property.id,
    propertyCode: `${label}-${id}`,
  };
}

/** Adds a staff member with the given property role and logs them in. */
export async function addStaff(
  api: TestApi,
  tenant: Tenant,
  role: 'manager' | 'front_desk' | 'concierge' | 'housekeeping' | 'maintenance',
): Promise<{ userId: string; email: string; password: string; token: string; refreshToken: string }> {
  const email = `${role}-${unique()}@example.com`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const invited = await api.request<{ userId: string }>(
    'POST',
    `/api/v1/properties/${tenant.propertyId}/staff`,
    {
      token: tenant.token,
      body: { email, name: `Staff ${role}`, role, password },
    },
  );
  if (invited.status !== 201)
    throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const login = await api.request<{ accessToken: string; refreshToken: string }>(
    'POST',
    '/api/v1/auth/login',
    {
      body: { email, password },
    },
  );
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    userId: invited.body.userId,
    email,
    password,
    token: login.body.accessToken,
    refreshToken: login.body.refreshToken,
  };
}
