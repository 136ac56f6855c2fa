import { type IncomingMessage, request } from 'node:http';

import { Readiness } from '@app/platform';
import { signupTenant, startTestApi, type TestApi } from '@app/testing';

describe('graceful shutdown', () => {
  let api: TestApi;
  let loginArrived: () => void;
  const arrived = new Promise<void>((resolve) => (loginArrived = resolve));

  beforeAll(async () => {
    api = await startTestApi();
    // The server's 'request' event fires once a request's headers are read: from then on it is
    // in flight, and closing must wait for it.
    api.app.getHttpServer().on('request', (req: IncomingMessage) => {
      if (req.headers['x-test-in-flight']) loginArrived();
    });
  });

  afterAll(async () => {
    await api.db.drop();
  });

  it('flips readiness to 503 first, then lets an in-flight request finish while closing', async () => {
    const tenant = await signupTenant(api);
    api.app.get(Readiness).startDraining();

    const ready = await api.request<{ status: string }>('GET', '/health/ready');
    const live = await api.request('GET', '/health/live');
    // Close while the login is inside its handler (argon2 keeps it busy for tens of ms).
    const inFlight = postOnFreshConnection(`${api.baseUrl}/api/v1/auth/login`, {
      email: tenant.email,
      password: tenant.password,
    });
    await arrived;
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
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-test-in-flight': '1' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
