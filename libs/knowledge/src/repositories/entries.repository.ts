import { type ColumnSpec, cursorKeyUtc, rowsOf, SqlFilter, TenantDb, writtenColumns } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface EntryRow {
  id: string;
  category: string;
  title: string;
  content: string;
  keywords: string[];
  language: string;
  priority: number;
  status: string;
  visibility: string;
  valid_from: Date | null;
  valid_until: Date | null;
  source_url: string | null;
  content_sha256: string;
  version: number;
  usage_count: number;
  success_count: number;
  group_entry_id: string | null;
  embedded_model: string | null;
  embedded_dimensions: number | null;
  embedded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface EntryVersionRow {
  version: number;
  title: string;
  content: string;
  content_sha256: string;
  fields: Record<string, unknown>;
  reason: string | null;
  changed_by: string | null;
  changed_at: Date;
}

/** The editable fields of an entry (the content's hash is written with the content). */
export interface EntryWrite {
  category?: string;
  title?: string;
  content?: string;
  contentSha256?: string;
  keywords?: string[];
  language?: string;
  priority?: number;
  status?: string;
  visibility?: string;
  validFrom?: string | null;
  validUntil?: string | null;
  sourceUrl?: string | null;
  groupEntryId?: string | null;
}

const COLUMNS: { [K in keyof EntryWrite]-?: ColumnSpec } = {
  category: 'category',
  title: 'title',
  content: 'content',
  contentSha256: 'content_sha256',
  keywords: 'keywords',
  language: 'language',
  priority: 'priority',
  status: 'status',
  visibility: 'visibility',
  validFrom: { column: 'valid_from', sql: (p) => `${p}::timestamptz` },
  validUntil: { column: 'valid_until', sql: (p) => `${p}::timestamptz` },
  sourceUrl: 'source_url',
  groupEntryId: 'group_entry_id',
};

/** What a version row keeps besides title and content: the rest of the entry, as a restore needs it. */
const VERSION_FIELDS = `jsonb_build_object('category', category, 'keywords', to_jsonb(keywords), 'language', language,
  'priority', priority, 'status', status, 'visibility', visibility, 'validFrom', valid_from,
  'validUntil', valid_until, 'sourceUrl', source_url)`;

export interface EntryFilter {
  category?: string;
  status?: string;
  visibility?: string;
  language?: string;
  q?: string;
  after?: { at: string; id: string };
  limit: number;
}

/** knowledge.entries and knowledge.entry_versions. */
@Injectable()
export class EntriesRepository {
  constructor(private readonly db: TenantDb) {}

  async insert(propertyId: string, write: EntryWrite, actorId: string | null): Promise<string> {
    const c = writtenColumns(COLUMNS, write, 3);
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into knowledge.entries (property_id, created_by, updated_by${c.names.map((n) => `, ${n}`).join('')})
         values ($1, $2, $2${c.placeholders.map((p) => `, ${p}`).join('')}) returning id`,
        [propertyId, actorId, ...c.values],
      ),
    );
    return rows[0].id;
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<EntryRow | undefined> {
    const rows = await rowsOf<EntryRow>(
      this.db.manager.query(
        `select * from knowledge.entries where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** Applies a write to a row the caller holds locked, one version up. */
  async update(propertyId: string, id: string, write: EntryWrite, actorId: string | null): Promise<void> {
    const c = writtenColumns(COLUMNS, write, 4);
    await this.db.manager.query(
      `update knowledge.entries
          set version = version + 1, updated_by = $3${c.names.map((n, i) => `, ${n} = ${c.placeholders[i]}`).join('')}
        where property_id = $1 and id = $2`,
      [propertyId, id, actorId, ...c.values],
    );
  }

  async remove(propertyId: string, id: string): Promise<boolean> {
    const rows = await rowsOf(
      this.db.manager.query('delete from knowledge.entries where property_id = $1 and id = $2 returning id', [
        propertyId,
        id,
      ]),
    );
    return rows.length === 1;
  }

  /** Records the entry as it is now as its current version. */
  async recordVersion(propertyId: string, id: string, reason: string | null, actorId: string | null) {
    await this.db.manager.query(
      `insert into knowledge.entry_versions (property_id, entry_id, version, title, content, content_sha256, fields,
              reason, changed_by)
       select property_id, id, version, title, content, content_sha256, ${VERSION_FIELDS}, $3, $4
         from knowledge.entries where property_id = $1 and id = $2`,
      [propertyId, id, reason, actorId],
    );
  }

  versions(propertyId: string, id: string): Promise<EntryVersionRow[]> {
    return rowsOf<EntryVersionRow>(
      this.db.manager.query(
        `select version, title, content, content_sha256, fields, reason, changed_by, changed_at
           from knowledge.entry_versions where property_id = $1 and entry_id = $2 order by version desc`,
        [propertyId, id],
      ),
    );
  }

  async version(propertyId: string, id: string, version: number): Promise<EntryVersionRow | undefined> {
    const rows = await rowsOf<EntryVersionRow>(
      this.db.manager.query(
        `select version, title, content, content_sha256, fields, reason, changed_by, changed_at
           from knowledge.entry_versions where property_id = $1 and entry_id = $2 and version = $3`,
        [propertyId, id, version],
      ),
    );
    return rows[0];
  }

  /** Newest change first; `q` matches words of the title, content or keywords (any language's forms). */
  list(propertyId: string, f: EntryFilter): Promise<(EntryRow & { sort_key: string })[]> {
    const q = new SqlFilter().where('property_id = ?', propertyId);
    if (f.category) q.where('category = ?', f.category);
    if (f.status) q.where('status = ?', f.status);
    if (f.visibility) q.where('visibility = ?', f.visibility);
    if (f.language) q.where('language = ?', f.language);
    if (f.q)
      q.where(
        `to_tsvector('simple', title || ' ' || content || ' ' || array_to_string(keywords, ' '))
           @@ plainto_tsquery('simple', ?)`,
        f.q,
      );
    if (f.after) q.where('(updated_at, id) < (?::timestamptz, ?::uuid)', f.after.at, f.after.id);
    return rowsOf<EntryRow & { sort_key: string }>(
      this.db.manager.query(
        `select *, ${cursorKeyUtc('updated_at', 'sort_key')}
           from knowledge.entries where ${q.sql}
          order by updated_at desc, id desc limit ${q.param(f.limit)}`,
        q.params,
      ),
    );
  }

  /** Entries that have no chunks (written before chunking existed). */
  withoutChunks(propertyId: string): Promise<EntryRow[]> {
    return rowsOf<EntryRow>(
      this.db.manager.query(
        `select * from knowledge.entries en
          where en.property_id = $1
            and not exists (select 1 from knowledge.chunks c where c.property_id = en.property_id and c.entry_id = en.id)`,
        [propertyId],
      ),
    );
  }

  /** The property's copy of an organization's group entry. */
  async findByGroup(propertyId: string, groupEntryId: string): Promise<EntryRow | undefined> {
    const rows = await rowsOf<EntryRow>(
      this.db.manager.query(
        'select * from knowledge.entries where property_id = $1 and group_entry_id = $2 for update',
        [propertyId, groupEntryId],
      ),
    );
    return rows[0];
  }

  /** Entries with this content (imports recognise what they already hold by its hash). */
  async findByHash(propertyId: string, sha256: string): Promise<EntryRow[]> {
    return rowsOf<EntryRow>(
      this.db.manager.query(
        'select * from knowledge.entries where property_id = $1 and content_sha256 = $2',
        [propertyId, sha256],
      ),
    );
  }

  /** The property's own (not group) entries with this title, case-insensitive, newest first. */
  async findByTitle(propertyId: string, title: string): Promise<EntryRow[]> {
    return rowsOf<EntryRow>(
      this.db.manager.query(
        `select * from knowledge.entries
          where property_id = $1 and lower(title) = lower($2) and group_entry_id is null
          order by updated_at desc for update`,
        [propertyId, title],
      ),
    );
  }
}
