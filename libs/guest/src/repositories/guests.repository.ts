import { type ColumnSpec, rowsOf, SqlFilter, TenantDb, writtenColumns } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface Preference {
  category: string;
  key: string;
  value: string;
  source: 'stated' | 'learned' | 'pms';
}

export interface GuestRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  language: string;
  loyalty_tier: string | null;
  vip_status: string | null;
  external_ids: Record<string, string>;
  preferences: Preference[];
  stay_count: number;
  total_revenue: string;
  last_stay_date: string | null;
  notes: string | null;
  tags: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface GuestWrite {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
  language?: string;
  loyaltyTier?: string | null;
  vipStatus?: string | null;
  externalIds?: Record<string, string>;
  notes?: string | null;
  tags?: string[];
}

export interface GuestSearch {
  text?: string;
  email?: string;
  phone?: string;
  external?: { system: string; id: string };
  vip?: boolean;
  loyaltyTier?: string;
  tag?: string;
  ids?: string[];
  after?: { lastName: string; firstName: string; id: string };
  limit: number;
}

const COLUMNS: { [K in keyof GuestWrite]-?: ColumnSpec } = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  language: 'language',
  loyaltyTier: 'loyalty_tier',
  vipStatus: 'vip_status',
  externalIds: { column: 'external_ids', json: true },
  notes: 'notes',
  tags: 'tags',
};

const SELECT = `id, first_name, last_name, email, phone, language, loyalty_tier, vip_status, external_ids,
  preferences, stay_count, total_revenue, to_char(last_stay_date, 'YYYY-MM-DD') as last_stay_date, notes, tags,
  version, created_at, updated_at`;

/** guest.guests; soft-deleted rows are invisible to every read here. */
@Injectable()
export class GuestsRepository {
  constructor(private readonly db: TenantDb) {}

  async insert(propertyId: string, guest: GuestWrite, actorId: string | null): Promise<GuestRow> {
    const c = writtenColumns(COLUMNS, guest, 3);
    const rows = await rowsOf<GuestRow>(
      this.db.manager.query(
        `insert into guest.guests (property_id, created_by, updated_by${c.names.map((n) => `, ${n}`).join('')})
         values ($1, $2, $2${c.placeholders.map((p) => `, ${p}`).join('')}) returning ${SELECT}`,
        [propertyId, actorId, ...c.values],
      ),
    );
    return rows[0];
  }

  /** `lock`: true/'update' to change the row, 'share' to keep it from being merged or deleted meanwhile. */
  async findById(
    propertyId: string,
    id: string,
    lock: boolean | 'update' | 'share' = false,
  ): Promise<GuestRow | undefined> {
    const clause = lock === 'share' ? ' for share' : lock ? ' for update' : '';
    const rows = await rowsOf<GuestRow>(
      this.db.manager.query(
        `select ${SELECT} from guest.guests
          where property_id = $1 and id = $2 and deleted_at is null${clause}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /**
   * The guest with this phone (preferred) or email. One key alone is the common case (a channel
   * knows one): its own statement, whose generic plan probes the key's unique index, where the
   * two-key form was planned anew at every run.
   */
  async findByContact(
    propertyId: string,
    contact: { email?: string; phone?: string },
  ): Promise<GuestRow | undefined> {
    const { sql, values } = contactQuery(contact, 2);
    const rows = await rowsOf<GuestRow>(this.db.manager.query(sql, [propertyId, ...values]));
    return rows[0];
  }

  /**
   * `findByContact`, else an insert of `guest`, in one statement: the guest found, or the one
   * written (`created`). Undefined when neither: a concurrent transaction holds the contact's
   * unique key (phone, email) with a guest this one cannot see yet, and the insert, having waited
   * for it, did nothing; look again.
   */
  async findOrInsertByContact(
    propertyId: string,
    contact: { email?: string; phone?: string },
    guest: GuestWrite,
    actorId: string | null,
  ): Promise<{ row: GuestRow; created: boolean } | undefined> {
    const c = writtenColumns(COLUMNS, guest, 3);
    const found = contactQuery(contact, 3 + c.values.length);
    const rows = await rowsOf<GuestRow & { created: boolean }>(
      this.db.manager.query(
        `with found as (${found.sql}),
         made as (
           insert into guest.guests (property_id, created_by, updated_by${c.names.map((n) => `, ${n}`).join('')})
           select $1, $2, $2${c.placeholders.map((p) => `, ${p}`).join('')}
            where not exists (select from found)
           on conflict do nothing returning ${SELECT}
         )
         select *, false as created from found
         union all
         select *, true as created from made`,
        [propertyId, actorId, ...c.values, ...found.values],
      ),
    );
    if (!rows[0]) return undefined;
    const { created, ...row } = rows[0];
    return { row, created };
  }

  /** Applies the changes and bumps the version, if the caller's version is still current. */
  async update(propertyId: string, id: string, version: number, changes: GuestWrite, actorId: string | null) {
    const c = writtenColumns(COLUMNS, changes, 5);
    const rows = await rowsOf<GuestRow>(
      this.db.manager.query(
        `update guest.guests
            set version = version + 1, updated_by = $4${c.names.map((n, i) => `, ${n} = ${c.placeholders[i]}`).join('')}
          where property_id = $1 and id = $2 and version = $3 and deleted_at is null
          returning ${SELECT}`,
        [propertyId, id, version, actorId, ...c.values],
      ),
    );
    return rows[0] as GuestRow | undefined;
  }

  async setPreferences(propertyId: string, id: string, preferences: Preference[], actorId: string | null) {
    const rows = await rowsOf<GuestRow>(
      this.db.manager.query(
        `update guest.guests set preferences = $3, version = version + 1, updated_by = $4
          where property_id = $1 and id = $2 and deleted_at is null
          returning ${SELECT}`,
        [propertyId, id, JSON.stringify(preferences), actorId],
      ),
    );
    return rows[0] as GuestRow | undefined;
  }

  async recordStay(propertyId: string, id: string, revenue: string, date: string): Promise<void> {
    await this.db.manager.query(
      `update guest.guests
          set stay_count = stay_count + 1, total_revenue = total_revenue + $3::numeric,
              last_stay_date = greatest(last_stay_date, $4::date), version = version + 1
        where property_id = $1 and id = $2`,
      [propertyId, id, revenue, date],
    );
  }

  /**
   * Folds `source` into `target` (both locked by the caller): stats add up, preferences, external
   * ids and tags are united (the target wins on conflicts), missing contact details and notes are
   * taken over; the source is soft-deleted and remembers where it went.
   */
  async merge(
    propertyId: string,
    targetId: string,
    sourceId: string,
    actorId: string | null,
  ): Promise<GuestRow> {
    await this.db.manager.query(
      `update guest.guests set deleted_at = now(), merged_into_id = $3, updated_by = $4, version = version + 1
        where property_id = $1 and id = $2`,
      [propertyId, sourceId, targetId, actorId],
    );
    await this.db.manager.query(
      `update guest.guests t
            set email = coalesce(t.email, s.email),
                phone = coalesce(t.phone, s.phone),
                first_name = case when t.first_name = '' then s.first_name else t.first_name end,
                last_name = case when t.last_name = '' then s.last_name else t.last_name end,
                loyalty_tier = coalesce(t.loyalty_tier, s.loyalty_tier),
                vip_status = coalesce(t.vip_status, s.vip_status),
                external_ids = s.external_ids || t.external_ids,
                preferences = t.preferences || coalesce((
                  select jsonb_agg(p) from jsonb_array_elements(s.preferences) p
                   where not exists (select 1 from jsonb_array_elements(t.preferences) q where q->>'key' = p->>'key')
                ), '[]'::jsonb),
                tags = array(select distinct unnest(t.tags || s.tags) order by 1),
                stay_count = t.stay_count + s.stay_count,
                total_revenue = t.total_revenue + s.total_revenue,
                last_stay_date = greatest(t.last_stay_date, s.last_stay_date),
                notes = nullif(concat_ws(E'\n\n', t.notes, s.notes), ''),
                version = t.version + 1,
                updated_by = $4
           from guest.guests s
          where t.property_id = $1 and t.id = $2 and s.property_id = $1 and s.id = $3
`,
      [propertyId, targetId, sourceId, actorId],
    );
    return (await this.findById(propertyId, targetId))!;
  }

  async softDelete(propertyId: string, id: string, actorId: string | null): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update guest.guests set deleted_at = now(), updated_by = $3, version = version + 1
          where property_id = $1 and id = $2 and deleted_at is null returning id`,
        [propertyId, id, actorId],
      ),
    );
    return rows.length === 1;
  }

  /** Keyset page ordered by (last name, first name, id). */
  async search(propertyId: string, s: GuestSearch): Promise<GuestRow[]> {
    const f = new SqlFilter().where('property_id = ?', propertyId).where('deleted_at is null');
    if (s.text) f.where(`search @@ to_tsquery('simple', ?)`, s.text);
    if (s.email) f.where('email = ?', s.email);
    if (s.phone) f.where('phone = ?', s.phone);
    if (s.external)
      f.where('external_ids @> jsonb_build_object(?::text, ?::text)', s.external.system, s.external.id);
    if (s.vip !== undefined) f.where(s.vip ? 'vip_status is not null' : 'vip_status is null');
    if (s.loyaltyTier) f.where('loyalty_tier = ?', s.loyaltyTier);
    if (s.tag) f.where('tags @> array[?]::varchar[]', s.tag);
    if (s.ids) f.where('id = any(?::uuid[])', s.ids);
    if (s.after)
      f.where(
        '(last_name, first_name, id) > (?, ?, ?::uuid)',
        s.after.lastName,
        s.after.firstName,
        s.after.id,
      );
    return rowsOf<GuestRow>(
      this.db.manager.query(
        `select ${SELECT} from guest.guests where ${f.sql}
          order by last_name, first_name, id limit ${f.param(s.limit)}`,
        f.params,
      ),
    );
  }
}

/**
 * The live guest with a phone (preferred) or email, as SQL whose parameters start at `$from`
 * (the property is `$1`). One key: unique among live guests (guests_phone_key, guests_email_key),
 * so one row at most.
 */
function contactQuery(contact: { email?: string; phone?: string }, from: number) {
  const only = !contact.email ? 'phone' : !contact.phone ? 'email' : null;
  if (only)
    return {
      sql: `select ${SELECT} from guest.guests where property_id = $1 and ${only} = $${from} and deleted_at is null`,
      values: [contact[only]],
    };
  return {
    sql: `select ${SELECT} from guest.guests
           where property_id = $1 and deleted_at is null and (phone = $${from} or email = $${from + 1})
           order by (phone = $${from}) desc nulls last, id
           limit 1`,
    values: [contact.phone, contact.email],
  };
}
