import { affectedOf, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface PmsConnectionRow {
  webhook_secret: string;
  previous_webhook_secret: string | null;
  previous_valid_until: Date | null;
  rotated_at: Date;
  last_event_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** reservation.pms_connections and reservation.pms_webhook_events (secrets are stored sealed). */
@Injectable()
export class PmsConnectionsRepository {
  constructor(private readonly db: TenantDb) {}

  async find(propertyId: string): Promise<PmsConnectionRow | undefined> {
    const rows = await rowsOf<PmsConnectionRow>(
      this.db.manager.query(
        `select webhook_secret, previous_webhook_secret, previous_valid_until, rotated_at, last_event_at, created_at, updated_at
           from reservation.pms_connections where property_id = $1`,
        [propertyId],
      ),
    );
    return rows[0];
  }

  /** Stores a new secret; the one it replaces stays valid for `graceSeconds`. */
  async rotate(
    propertyId: string,
    sealed: string,
    graceSeconds: number,
    actorId: string,
  ): Promise<PmsConnectionRow> {
    const rows = await rowsOf<PmsConnectionRow>(
      this.db.manager.query(
        `insert into reservation.pms_connections (property_id, webhook_secret, created_by, updated_by)
         values ($1, $2, $3, $3)
         on conflict (property_id) do update
           set webhook_secret = excluded.webhook_secret,
               previous_webhook_secret = pms_connections.webhook_secret,
               previous_valid_until = now() + make_interval(secs => $4),
               rotated_at = now(),
               updated_by = excluded.updated_by
         returning webhook_secret, previous_webhook_secret, previous_valid_until, rotated_at, last_event_at, created_at, updated_at`,
        [propertyId, sealed, actorId, graceSeconds],
      ),
    );
    return rows[0];
  }

  async remove(propertyId: string): Promise<boolean> {
    const rows = await rowsOf<{ property_id: string }>(
      this.db.manager.query(
        'delete from reservation.pms_connections where property_id = $1 returning property_id',
        [propertyId],
      ),
    );
    return rows.length === 1;
  }

  /** Remembers an event id; false when it was seen before (the caller then does nothing). */
  async recordEvent(propertyId: string, eventId: string, type: string): Promise<boolean> {
    const rows = await rowsOf<{ event_id: string }>(
      this.db.manager.query(
        `insert into reservation.pms_webhook_events (property_id, event_id, type, outcome)
         values ($1, $2, $3, 'applied') on conflict do nothing returning event_id`,
        [propertyId, eventId, type],
      ),
    );
    return rows.length === 1;
  }

  async settleEvent(propertyId: string, eventId: string, outcome: 'applied' | 'stale'): Promise<void> {
    await this.db.manager.query(
      `update reservation.pms_webhook_events set outcome = $3 where property_id = $1 and event_id = $2`,
      [propertyId, eventId, outcome],
    );
    await this.db.manager.query(
      'update reservation.pms_connections set last_event_at = now() where property_id = $1',
      [propertyId],
    );
  }

  /** Forgets event ids received more than `olderThanDays` ago. */
  pruneEvents(propertyId: string, olderThanDays: number): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        `delete from reservation.pms_webhook_events
          where property_id = $1 and received_at < now() - make_interval(days => $2)`,
        [propertyId, olderThanDays],
      ),
    );
  }
}
