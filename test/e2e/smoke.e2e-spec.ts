import { signupTenant, startTestApi, type TestApi } from '@app/testing';

describe('api smoke', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('signs up and reads /me', async () => {
    const tenant = await signupTenant(api);
    const me = await api.request<{ properties: { id: string }[] }>('GET', '/api/v1/me', {
      token: tenant.token,
    });
    expect(me.status).toBe(200);
    expect(me.body.properties.map((p) => p.id)).toEqual([tenant.propertyId]);
  });
});
