import { request } from 'node:http';

import { Readiness } from '@app/platform';
import { signupTenant, startTestApi, type TestApi } from '@app/testing';

describe('graceful shutdown', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.db.drop();
  });

  it('flips readiness to 503 first, then lets an in-flight request finish while closing', async () => {
    const tenant = await signupTenant(api);
    api.app.get(Readiness).startDraining();

    const ready = await api.request<{ status: string }>('GET', '/health/ready');
    const live = await api.request('GET', '/health/live');
    // A login hashes with argon2 (tens of ms), so it is still running when close() starts.
    const inFlight = postOnFreshConnection(`${api.baseUrl}/api/v1/auth/login`, {
      email: tenant.email,
      password: tenant.password,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const closing = api.app.close();
    const [login] = await Promise.all([inFlight, closing]);

    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('draining');
    expect(live.status).toBe(200);
    expect(login).toBe(200);
  });
});

/** POST on its own connection (no keep-alive pool), resolving with the status code. */
function postOnFreshConnection(url: string, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
