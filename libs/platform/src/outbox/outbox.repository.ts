import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { affectedOf, rowsOf } from '../database/sql-runner';
import { TenantDb } from '../database/tenant-db.service';

export interface PendingOutboxRow {
  id: string;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
}

export interface NewOutboxRow {
  id: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
}

/** platform.outbox, always inside a property transaction (the table is under forced RLS). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: TenantDb) {}

  /** Writes rows in one statement, with the ids they were given. */
  async insertRows(rows: NewOutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.manager.query(
      `insert into platform.outbox (id, property_id, queue, job_name, payload)
       select r.id, $1, r.queue, r.job_name, r.payload
         from jsonb_to_recordset($2::jsonb) as r(id uuid, queue text, job_name text, payload jsonb)`,
      [
        this.db.propertyId,
        JSON.stringify(
          rows.map((r) => ({ id: r.id, queue: r.queue, job_name: r.jobName, payload: r.payload })),
        ),
      ],
    );
  }

  /**
   * Claims up to `limit` pending rows, oldest first, and marks them published in one statement;
   * the caller publishes them before its transaction commits (a failure rolls the mark back).
   * Concurrent relays skip each other's rows.
   */
  async claimPublished(em: EntityManager, propertyId: string, limit: number): Promise<PendingOutboxRow[]> {
    const rows = await rowsOf<PendingOutboxRow>(
      em.query(
        `update platform.outbox o
            set status = 'published', published_at = now(), publish_attempts = o.publish_attempts + 1
          where o.property_id = $1
            and o.id = any(array(
                  select id from platform.outbox
                   where property_id = $1 and status = 'pending'
                   order by id limit $2 for update skip locked))
          returning o.id, o.queue, o.job_name, o.payload`,
        [propertyId, limit],
      ),
    );
    return rows.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  prunePublished(propertyId: string, olderThanDays: number): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        `delete from platform.outbox
          where property_id = $1 and status = 'published'
            and published_at < now() - make_interval(days => $2)`,
        [propertyId, olderThanDays],
      ),
    );
  }
}
