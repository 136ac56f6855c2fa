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
  /**
   * A domain event no subscriber follows: written as the record of what happened, already
   * `published` (no job: there is nobody to deliver it to).
   */
  logged?: boolean;
  /**
   * Run by the process that wrote it (LocalJobs), not published: held for this long instead of
   * the hold `insertRows` was given.
   */
  localHoldMs?: number;
  /** What the job's handler prepared in the writing transaction (LocalJobs), for its run here. */
  prepared?: unknown;
}

/** platform.outbox, always inside a property transaction (the table is under forced RLS). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Writes rows in one statement, with the ids they were given. `holdMs` > 0: the committing
   * process publishes them itself, and the relay leaves them alone that long from the write (not
   * from the transaction's start: a long transaction must not write a hold that is already over).
   * A `logged` row is written published, without a hold; a row with `localHoldMs` is held that long.
   */
  async insertRows(rows: NewOutboxRow[], holdMs = 0): Promise<void> {
    if (rows.length === 0) return;
    await this.db.manager.query(
      `insert into platform.outbox (id, property_id, queue, job_name, payload, status, published_at, held_until)
       select r.id, $1, r.queue, r.job_name, r.payload,
              case when r.logged then 'published' else 'pending' end,
              case when r.logged then now() end,
              case when not r.logged and coalesce(r.hold_ms, $3::int) > 0
                   then clock_timestamp() + make_interval(secs => coalesce(r.hold_ms, $3::int) / 1000.0) end
         from jsonb_to_recordset($2::jsonb)
              as r(id uuid, queue text, job_name text, payload jsonb, logged boolean, hold_ms int)`,
      [
        this.db.propertyId,
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            queue: r.queue,
            job_name: r.jobName,
            payload: r.payload,
            logged: r.logged === true,
            hold_ms: r.localHoldMs ?? null,
          })),
        ),
        holdMs,
      ],
    );
  }

  /** Rows their committing process has published: marked so, still pending ones only. */
  async markPublished(em: EntityManager, propertyId: string, ids: string[]): Promise<number> {
    return affectedOf(
      em.query(
        `update platform.outbox
            set status = 'published', published_at = now(), publish_attempts = publish_attempts + 1,
                held_until = null
          where property_id = $1 and id = any($2::uuid[]) and status = 'pending'`,
        [propertyId, ids],
      ),
    );
  }

  /** Rows their committing process could not publish: the relay's now, and woken. */
  async release(em: EntityManager, propertyId: string, ids: string[]): Promise<void> {
    await em.query(
      `with released as (
         update platform.outbox set held_until = null
          where property_id = $1 and id = any($2::uuid[]) and status = 'pending'
          returning 1)
       select pg_notify('butler_outbox', $1::text) from (select count(*) from released) n`,
      [propertyId, ids],
    );
  }

  /**
   * Claims up to `limit` pending rows no process holds (oldest first), and marks them published in one statement;
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
                     and (held_until is null or held_until < now())
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
