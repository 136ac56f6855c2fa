import { isoUtc, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

/** A guest as PMS sync sees it: the fields a PMS owns plus what sync bookkeeping needs. */
export interface SyncedGuest {
  id: string;
  pmsId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  language: string;
  loyaltyTier: string | null;
  vipStatus: string | null;
  /** The PMS's own last-change time of the data we hold (ISO), if it came from the PMS. */
  pmsUpdatedAt: string | null;
  version: number;
}

/** Stays to add to a guest's statistics (checkouts seen by the sync). */
export interface StayDelta {
  count: number;
  revenue: string;
  lastStayDate: string | null;
}

export interface GuestKeys {
  ids: string[];
  pmsIds: string[];
  emails: string[];
  phones: string[];
}

const FIELDS = `id, pms_id as "pmsId", first_name as "firstName", last_name as "lastName",
  email, phone, language, loyalty_tier as "loyaltyTier", vip_status as "vipStatus",
  ${isoUtc('pms_updated_at', 'pmsUpdatedAt')}, version`;

const RECORD = `x(id uuid, pms_id text, first_name text, last_name text, email text, phone text, language text,
  loyalty_tier text, vip_status text, pms_updated_at timestamptz, stay_count int, revenue numeric,
  last_stay_date date)`;

const toRecord = (g: SyncedGuest, stays?: StayDelta) => ({
  id: g.id,
  pms_id: g.pmsId,
  first_name: g.firstName,
  last_name: g.lastName,
  email: g.email,
  phone: g.phone,
  language: g.language,
  loyalty_tier: g.loyaltyTier,
  vip_status: g.vipStatus,
  pms_updated_at: g.pmsUpdatedAt,
  stay_count: stays?.count ?? 0,
  revenue: stays?.revenue ?? '0',
  last_stay_date: stays?.lastStayDate ?? null,
});

/** Set-based reads and writes of guest.guests for PMS sync (one statement per batch). */
@Injectable()
export class GuestSyncRepository {
  constructor(private readonly db: TenantDb) {}

  /** Live guests matching any key; `lock`: locked for update until the batch commits. */
  findMatching(propertyId: string, keys: GuestKeys, lock: boolean): Promise<SyncedGuest[]> {
    return rowsOf<SyncedGuest>(
      this.db.manager.query(
        // One index lookup per key (LATERAL … LIMIT 1 cannot become a hash join over the whole
        // property), and array(...) runs once: the plan stays right however large the property is
        // and however stale its statistics are while an import grows it.
        `select ${FIELDS} from guest.guests
          where property_id = $1 and deleted_at is null and id = any(array(
            select k.v from unnest($2::uuid[]) k(v)
            union
            select g.id from unnest($3::text[]) k(v), lateral (select id from guest.guests
              where property_id = $1 and deleted_at is null and pms_id = k.v limit 1) g
            union
            select g.id from unnest($4::text[]) k(v), lateral (select id from guest.guests
              where property_id = $1 and deleted_at is null and email = k.v limit 1) g
            union
            select g.id from unnest($5::text[]) k(v), lateral (select id from guest.guests
              where property_id = $1 and deleted_at is null and phone = k.v limit 1) g))
          order by id${lock ? ' for update' : ''}`,
        [propertyId, keys.ids, keys.pmsIds, keys.emails, keys.phones],
      ),
    );
  }

  /** Locks guests (in id order) and returns their current versions. */
  lockVersions(propertyId: string, ids: string[]): Promise<{ id: string; version: number }[]> {
    return rowsOf<{ id: string; version: number }>(
      this.db.manager.query(
        `select id, version from guest.guests
          where property_id = $1 and id = any($2::uuid[]) and deleted_at is null order by id for update`,
        [propertyId, ids],
      ),
    );
  }

  async insertMany(
    propertyId: string,
    guests: { guest: SyncedGuest; stays?: StayDelta }[],
    actorId: string | null,
  ): Promise<void> {
    if (guests.length === 0) return;
    await this.db.manager.query(
      `insert into guest.guests (id, property_id, first_name, last_name, email, phone, language, loyalty_tier,
              vip_status, external_ids, pms_updated_at, stay_count, total_revenue, last_stay_date,
              created_by, updated_by)
       select x.id, $1, x.first_name, x.last_name, x.email, x.phone, x.language, x.loyalty_tier, x.vip_status,
              case when x.pms_id is null then '{}'::jsonb else jsonb_build_object('pms', x.pms_id) end,
              x.pms_updated_at, x.stay_count, x.revenue, x.last_stay_date, $3, $3
         from jsonb_to_recordset($2::jsonb) as ${RECORD}`,
      [propertyId, JSON.stringify(guests.map((g) => toRecord(g.guest, g.stays))), actorId],
    );
  }

  /** Writes the PMS-owned fields and adds stays; other ids in external_ids are kept. */
  async updateMany(
    propertyId: string,
    guests: { guest: SyncedGuest; stays?: StayDelta }[],
    actorId: string | null,
  ): Promise<void> {
    if (guests.length === 0) return;
    await this.db.manager.query(
      `update guest.guests g
          set first_name = x.first_name, last_name = x.last_name, email = x.email, phone = x.phone,
              language = x.language, loyalty_tier = x.loyalty_tier, vip_status = x.vip_status,
              external_ids = case when x.pms_id is null then g.external_ids
                                  else g.external_ids || jsonb_build_object('pms', x.pms_id) end,
              pms_updated_at = x.pms_updated_at,
              stay_count = g.stay_count + x.stay_count,
              total_revenue = g.total_revenue + x.revenue,
              last_stay_date = greatest(g.last_stay_date, x.last_stay_date),
              version = g.version + 1, updated_by = $3
         from jsonb_to_recordset($2::jsonb) as ${RECORD}
        where g.property_id = $1 and g.id = x.id`,
      [propertyId, JSON.stringify(guests.map((g) => toRecord(g.guest, g.stays))), actorId],
    );
  }
}
