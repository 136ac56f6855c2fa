import { addStaff, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

const REQUESTS = 1_080;
const CONCURRENCY = 30;
/** Every PROBE_EVERY-th request uses one tenant's token on another tenant's property. */
const PROBE_EVERY = 10;

interface AuditPage {
  items: { id: string; actorId: string | null }[];
  nextCursor: string | null;
}

interface Hotel {
  tenant: Tenant;
  actors: Set<string>;
  auditIds: string[];
  auditActors: (string | null)[];
}

interface Call {
  caller: Hotel;
  target: Hotel;
}

describe('audit log under concurrent tenants', () => {
  let api: TestApi;
  let hotels: Hotel[];

  const listAudit = (token: string, propertyId: string) =>
    api.request<AuditPage & { code?: string }>(
      'GET',
      `/api/v1/properties/${propertyId}/audit-log?limit=200`,
      {
        token,
      },
    );

  beforeAll(async () => {
    // Fewer connections than concurrent requests, so property transactions queue for and share them.
    api = await startTestApi({ DATABASE_POOL_SIZE: '3' });
    hotels = [];
    for (const label of ['alpha', 'bravo', 'charlie']) {
      const tenant = await signupTenant(api, label);
      // Inviting and logging in a staff member adds audit rows by two different actors.
      const staff = await addStaff(api, tenant, 'front_desk');
      const baseline = await listAudit(tenant.token, tenant.propertyId);
      if (baseline.status !== 200) throw new Error(`audit log: ${baseline.status}`);
      hotels.push({
        tenant,
        actors: new Set([tenant.userId, staff.userId]),
        auditIds: baseline.body.items.map((i) => i.id).sort(),
        auditActors: baseline.body.items.map((i) => i.actorId),
      });
    }
  }, 60_000);

  afterAll(async () => {
    await api?.close();
  });

  describe('GET /api/v1/properties/:propertyId/audit-log', () => {
    it("starts from disjoint audit trails written by each tenant's own users", () => {
      const all = hotels.flatMap((h) => h.auditIds);

      expect(new Set(all).size).toBe(all.length);
      for (const hotel of hotels) {
        expect(hotel.auditIds.length).toBeGreaterThanOrEqual(3);
        expect(hotel.auditActors.filter((actor) => !actor || !hotel.actors.has(actor))).toEqual([]);
      }
    });

    it('answers each tenant with exactly its own entries across interleaved requests', async () => {
      const calls: Call[] = Array.from({ length: REQUESTS }, (_, i) => ({
        caller: hotels[i % hotels.length],
        target: hotels[(i % PROBE_EVERY === PROBE_EVERY - 1 ? i + 1 : i) % hotels.length],
      }));
      const outcomes: {
        call: Call;
        status: number;
        code?: string;
        ids: string[];
        foreignActors: string[];
      }[] = [];

      for (let i = 0; i < calls.length; i += CONCURRENCY) {
        const batch = calls.slice(i, i + CONCURRENCY);
        const pages = await Promise.all(
          batch.map(({ caller, target }) => listAudit(caller.tenant.token, target.tenant.propertyId)),
        );
        pages.forEach((page, k) => {
          const items = page.status === 200 ? page.body.items : [];
          outcomes.push({
            call: batch[k],
            status: page.status,
            code: page.body.code,
            ids: items.map((item) => item.id).sort(),
            foreignActors: items
              .map((item) => item.actorId ?? 'null')
              .filter((actor) => !batch[k].caller.actors.has(actor)),
          });
        });
      }
      const own = outcomes.filter((o) => o.call.caller === o.call.target);
      const probes = outcomes.filter((o) => o.call.caller !== o.call.target);

      expect(own.length).toBeGreaterThanOrEqual(300);
      expect(own.filter((o) => o.status !== 200).map((o) => o.status)).toEqual([]);
      expect(own.flatMap((o) => o.foreignActors)).toEqual([]);
      expect(own.filter((o) => o.ids.join() !== o.call.caller.auditIds.join()).length).toBe(0);
      expect(probes.length).toBe(REQUESTS / PROBE_EVERY);
      expect(probes.filter((o) => o.status !== 403 || o.code !== 'property_forbidden')).toEqual([]);
    }, 120_000);
  });
});
