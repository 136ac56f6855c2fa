import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The knowledge base's entries and their history. An entry is what a hotel knows (an FAQ, a
 * policy, seasonal opening hours, a staff-only SOP): Markdown content with its SHA-256, a
 * visibility (`guest` may be told to guests, `internal` is staff-only), an optional validity
 * window, a version, and usage/success counters the concierge updates. Every write of an entry
 * also writes a version row (who, when, why, the full state), so any version can be restored.
 */
export class KnowledgeEntries1795326000000 implements MigrationInterface {
  name = 'KnowledgeEntries1795326000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table knowledge.entries (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null references platform.properties (id),
        category varchar(20) not null check (category in
          ('faq', 'policy', 'amenity', 'service', 'dining', 'room_type', 'local_info', 'contact', 'other')),
        title varchar(255) not null check (length(btrim(title)) > 0),
        content text not null check (length(btrim(content)) > 0 and octet_length(content) <= 102400),
        keywords text[] not null default '{}',
        language varchar(10) not null default 'en',
        priority smallint not null default 5 check (priority between 0 and 10),
        status varchar(10) not null default 'active' check (status in ('draft', 'active', 'archived')),
        visibility varchar(10) not null default 'guest' check (visibility in ('guest', 'internal')),
        valid_from timestamptz,
        valid_until timestamptz,
        source_url varchar(2048),
        content_sha256 char(64) not null,
        version integer not null default 1,
        usage_count integer not null default 0,
        success_count integer not null default 0,
        created_by uuid,
        updated_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint entries_validity check (valid_until is null or valid_from is null or valid_until > valid_from)
      );
      create index entries_list_idx on knowledge.entries (property_id, updated_at desc, id desc);
      create index entries_category_idx on knowledge.entries (property_id, category, status);
      create index entries_hash_idx on knowledge.entries (property_id, content_sha256);
      create trigger entries_touch before update on knowledge.entries
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('knowledge.entries', 'select, insert, update, delete');

      create table knowledge.entry_versions (
        property_id uuid not null,
        entry_id uuid not null,
        version integer not null,
        title varchar(255) not null,
        content text not null,
        content_sha256 char(64) not null,
        -- Everything else the entry held at that version (category, status, visibility, …).
        fields jsonb not null,
        reason varchar(500),
        changed_by uuid,
        changed_at timestamptz not null default now(),
        primary key (property_id, entry_id, version),
        constraint entry_versions_entry_fkey foreign key (property_id, entry_id)
          references knowledge.entries (property_id, id) on delete cascade
      );
      select platform.apply_tenant_policy('knowledge.entry_versions', 'select, insert');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table if exists knowledge.entry_versions;
      drop table if exists knowledge.entries;
    `);
  }
}
