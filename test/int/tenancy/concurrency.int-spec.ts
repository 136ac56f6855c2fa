import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Pool } from 'pg';

import { type SeededProperty, seedProperties } from './tenancy-fixtures';

const TRANSACTIONS = 1_050;
const CONCURRENCY = 50;

/** How each transaction ends; 'none' never sets a property and must see nothing. */
const ENDINGS = ['commit', 'rollback', 'error', 'commit', 'none'] as const;
type Ending = (typeof ENDINGS)[number];

interface Plan {
  property: SeededProperty | null;
  ending: Ending;
}

interface Observation {
  pid: number;
  expected: string | null;
  context: string | null;
  propertyIds: string[];
  ownRows: number;
}

describe('concurrent property transactions', () => {
  let db: TestDatabase;
  let properties: SeededProperty[];
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    properties = await seedProperties(db.ownerUrl, 3, { outbox: 3, audit: 2 });
    pool = new Pool({ connectionString: db.appUrl, max: 4 });
    pool.on('error', () => undefined); // idle clients cut off by the teardown's DROP DATABASE
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** One transaction on a pooled connection: set the property (or not), then read tenant rows. */
  async function runTransaction(plan: Plan): Promise<Observation> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      if (plan.property)
        await client.query(`select set_config('app.property_id', $1, true)`, [plan.property.propertyId]);
      const context = await client.query<{ id: string | null; pid: number }>(
        'select platform.current_property_id()::text as id, pg_backend_pid() as pid',
      );
      const outbox = await client.query<{ property_id: string }>('select property_id from platform.outbox');
      const audit = await client.query<{ property_id: string }>(
        'select property_id from compliance.audit_log',
      );
      if (plan.ending === 'error') {
        await client.query('select 1 / 0').catch(() => undefined);
        await client.query('rollback');
      } else {
        await client.query(plan.ending === 'rollback' ? 'rollback' : 'commit');
      }
      const rows = [...outbox.rows, ...audit.rows];
      return {
        pid: context.rows[0].pid,
        expected: plan.property?.propertyId ?? null,
        context: context.rows[0].id,
        propertyIds: rows.map((r) => r.property_id),
        ownRows: rows.filter((r) => r.property_id === plan.property?.propertyId).length,
      };
    } finally {
      client.release();
    }
  }

  describe('set_config per transaction', () => {
    it('never shows a transaction the rows of another property, or any rows without one', async () => {
      // Property and ending cycle with coprime periods (3 and 5), so neighbours differ in both.
      const plans: Plan[] = Array.from({ length: TRANSACTIONS }, (_, i) => {
        const ending = ENDINGS[i % ENDINGS.length];
        return { ending, property: ending === 'none' ? null : properties[i % properties.length] };
      });

      const observations: Observation[] = [];
      for (let i = 0; i < plans.length; i += CONCURRENCY) {
        observations.push(...(await Promise.all(plans.slice(i, i + CONCURRENCY).map(runTransaction))));
      }

      const expectedOwnRows = (o: Observation) => {
        const p = properties.find((s) => s.propertyId === o.expected);
        return p ? p.outboxIds.length + p.auditIds.length : 0;
      };
      const foreignRows = observations.reduce(
        (sum, o) => sum + o.propertyIds.filter((id) => id !== o.expected).length,
        0,
      );
      const wrongContext = observations.filter((o) => o.context !== o.expected);
      const incomplete = observations.filter((o) => o.ownRows !== expectedOwnRows(o));
      const withoutProperty = observations.filter((o) => o.expected === null);

      expect(observations).toHaveLength(TRANSACTIONS);
      expect(foreignRows).toBe(0);
      expect(wrongContext).toEqual([]);
      expect(incomplete).toEqual([]);
      expect(withoutProperty.length).toBe(TRANSACTIONS / ENDINGS.length);
      expect(withoutProperty.every((o) => o.propertyIds.length === 0)).toBe(true);
      // The pool really reused its four connections across properties.
      expect(new Set(observations.map((o) => o.pid)).size).toBeLessThanOrEqual(4);
    }, 120_000);
  });
});
