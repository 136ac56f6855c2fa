import { AuditLogController } from '@app/compliance';
import { expectProblem, pool, signupTenant, startTestApi, type Tenant, type TestApi } from '@app/testing';

interface Page {
  items: { id: string; action: string; createdAt: string }[];
  nextCursor: string | null;
}

describe(AuditLogController.name, () => {
  let api: TestApi;
  let tenant: Tenant;

  beforeAll(async () => {
    api = await startTestApi();
    tenant = await signupTenant(api);
  });

  afterAll(async () => {
    await api.close();
  });

  describe('list', () => {
    it('pages through rows that share a millisecond without skipping or repeating any', async () => {
      const db = pool(api.db.appUrl, { max: 1 });
      const client = await db.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('app.property_id', $1, true)`, [tenant.propertyId]);
        for (const micro of ['100001', '100002', '100003', '100004', '100005']) {
          await client.query(
            `insert into compliance.audit_log (property_id, actor_type, action, resource_type, created_at)
             values ($1, 'system', 'test.same_millisecond', 'test', $2::timestamptz)`,
            [tenant.propertyId, `2026-11-02T10:00:00.${micro}Z`],
          );
        }
        await client.query('commit');
      } finally {
        client.release();
        await db.end();
      }

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `action=test.same_millisecond&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { status: number; body: Page } = await api.request<Page>(
          'GET',
          `/api/v1/properties/${tenant.propertyId}/audit-log?${query}`,
          { token: tenant.token },
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);

      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
    });

    it('filters by time window and refuses a forged cursor', async () => {
      const inWindow = await api.request<Page>(
        'GET',
        `/api/v1/properties/${tenant.propertyId}/audit-log?from=2026-11-02T10:00:00.100003Z&to=2026-11-02T10:00:01Z`,
        { token: tenant.token },
      );
      const forged = await api.request(
        'GET',
        `/api/v1/properties/${tenant.propertyId}/audit-log?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`,
        { token: tenant.token },
      );

      expect(inWindow.body.items.map((i) => i.action)).toEqual([
        'test.same_millisecond',
        'test.same_millisecond',
        'test.same_millisecond',
      ]);
      expectProblem(forged, 400, 'validation_failed');
    });
  });
});
