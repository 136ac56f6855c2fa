import { signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';
import { Client } from 'pg';

/** Cuts the api off its database: no new connections, existing ones terminated. */
async function setDatabaseReachable(api: TestApi, reachable: boolean): Promise<void> {
  const admin = new Client({ connectionString: api.db.adminUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`alter database "${api.db.name}" with allow_connections ${reachable}`);
    if (!reachable) {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [api.db.name],
      );
    }
  } finally {
    await admin.end();
  }
}

describe('database outage', () => {
  let api: TestApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = await signupTenant(api);
  });

  afterAll(async () => {
    await setDatabaseReachable(api, true);
    await api.close();
  });

  it('answers 503 problems, never a success, while PostgreSQL is unreachable, and recovers after', async () => {
    await setDatabaseReachable(api, false);

    const ready = await api.request<{ status: string; checks: { database: string } }>('GET', '/health/ready');
    const live = await api.request('GET', '/health/live');
    const write = await api.request('POST', '/api/v1/auth/signup', {
      body: {
        organization: { name: 'Outage Group' },
        property: { name: 'Outage Hotel', code: 'outage-hotel', timezone: 'UTC' },
        owner: { name: 'Owner', email: 'outage@example.com', password: 'a-long-enough-password' },
      },
    });
    const read = await api.request('GET', `/api/v1/properties/${tenant.propertyId}/audit-log`, {
      token: tenant.token,
    });

    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe('down');
    expect(live.status).toBe(200);
    for (const res of [write, read]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 503, code: 'database_unavailable' });
      expect(res.headers.get('retry-after')).toBeTruthy();
    }

    await setDatabaseReachable(api, true);
    const after = await api.request('GET', `/api/v1/properties/${tenant.propertyId}/audit-log`, {
      token: tenant.token,
    });
    const missing = await api.request('POST', '/api/v1/auth/login', {
      body: { email: 'outage@example.com', password: 'a-long-enough-password' },
    });
    expect(after.status).toBe(200);
    expect(missing.status).toBe(401); // the signup during the outage was not half-saved
  });
});
