import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What retrieval needs beside the entries:
 * - `chunks`: the pieces of an entry that are searched, each with a tsvector in the text search
 *   configuration of the entry's language (`knowledge.search_config`);
 * - `chunk_embeddings`: one vector per chunk and embedding model. The model and its dimensions are
 *   part of the key, so a reindex writes the new model's vectors beside the old ones and search
 *   keeps using the old ones until the new set is complete (`index_state`);
 * - `index_state`: per property, the model search uses and the one a reindex is building;
 * - `response_cache`: answers to normalized questions, with the entries they were built from;
 * - `group_entries`: organization-wide entries, copied into every property of the organization
 *   (`entries.group_entry_id`); the organization's own rows are isolated by organization.
 *
 * Vectors of every model share one column of type `vector` (no fixed dimensions). Exact search
 * over a property's vectors goes through the (property_id, model, dimensions) B-tree; large
 * properties use an HNSW index, which must have fixed dimensions: a partial expression index per
 * model. The two default models get theirs here; `npm run knowledge:vector-index` adds one for
 * another model.
 */
export class KnowledgeRetrieval1795327000000 implements MigrationInterface {
  name = 'KnowledgeRetrieval1795327000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$
      begin
        if not exists (select 1 from pg_extension where extname = 'vector') then
          raise exception 'extension vector (pgvector) is missing: run npm run db:provision first';
        end if;
      end
      $$;

      -- The text search configuration for an entry's language tag ('pt-BR' -> portuguese);
      -- 'simple' (no stemming, no stop words) for languages PostgreSQL has no stemmer for.
      create function knowledge.search_config(language text) returns regconfig
        language sql immutable parallel safe
        set search_path = pg_catalog
      as $$
        select case lower(split_part(coalesce(language, ''), '-', 1))
          when 'en' then 'english' when 'es' then 'spanish' when 'fr' then 'french'
          when 'de' then 'german' when 'it' then 'italian' when 'pt' then 'portuguese'
          when 'nl' then 'dutch' when 'sv' then 'swedish' when 'da' then 'danish'
          when 'nb' then 'norwegian' when 'no' then 'norwegian' when 'fi' then 'finnish'
          when 'ru' then 'russian' when 'tr' then 'turkish' when 'hu' then 'hungarian'
          when 'ro' then 'romanian' when 'el' then 'greek' when 'id' then 'indonesian'
          when 'ca' then 'catalan' when 'ga' then 'irish' when 'lt' then 'lithuanian'
          when 'ne' then 'nepali' when 'ar' then 'arabic' when 'hy' then 'armenian'
          when 'eu' then 'basque' when 'hi' then 'hindi' when 'sr' then 'serbian'
          when 'ta' then 'tamil' when 'yi' then 'yiddish'
          else 'simple' end::regconfig
      $$;
      grant execute on function knowledge.search_config(text) to butler_runtime;

      alter table knowledge.entries
        add column group_entry_id uuid,
        -- The model whose vectors of the current content are complete (null: not searchable by
        -- meaning yet, full-text only).
        add column embedded_model varchar(120),
        add column embedded_dimensions smallint,
        add column embedded_at timestamptz;
      -- updated_at is when the entry was edited (a new version), not when counters or embedding
      -- marks changed: the health report's "not updated in 180 days" reads it.
      drop trigger entries_touch on knowledge.entries;
      create trigger entries_touch before update on knowledge.entries
        for each row when (old.version is distinct from new.version)
        execute function platform.touch_updated_at();
      create unique index entries_group_idx on knowledge.entries (property_id, group_entry_id)
        where group_entry_id is not null;

      create table knowledge.chunks (
        property_id uuid not null,
        id uuid not null default platform.uuid_v7(),
        entry_id uuid not null,
        ordinal integer not null,
        heading text,
        content text not null,
        -- The entry's keywords, weighted with the heading above the body text.
        keywords text not null default '',
        token_estimate integer not null,
        search_config regconfig not null,
        tsv tsvector generated always as (
          setweight(to_tsvector(search_config, keywords || ' ' || coalesce(heading, '')), 'A')
          || setweight(to_tsvector(search_config, content), 'B')
        ) stored,
        created_at timestamptz not null default now(),
        primary key (property_id, id),
        unique (property_id, entry_id, ordinal),
        constraint chunks_entry_fkey foreign key (property_id, entry_id)
          references knowledge.entries (property_id, id) on delete cascade
      );
      create index chunks_tsv_idx on knowledge.chunks using gin (property_id, tsv);
      select platform.apply_tenant_policy('knowledge.chunks', 'select, insert, delete');

      create table knowledge.chunk_embeddings (
        property_id uuid not null,
        chunk_id uuid not null,
        model varchar(120) not null,
        dimensions smallint not null check (dimensions between 1 and 16000),
        embedding vector not null check (vector_dims(embedding) = dimensions),
        created_at timestamptz not null default now(),
        primary key (property_id, model, dimensions, chunk_id),
        constraint chunk_embeddings_chunk_fkey foreign key (property_id, chunk_id)
          references knowledge.chunks (property_id, id) on delete cascade
      );
      -- Inline (compressed if need be) rather than in TOAST: a 1,536-dimension vector is 6 KB,
      -- and reading each one through four TOAST chunks made exact scans ~4× slower (bench).
      alter table knowledge.chunk_embeddings alter column embedding set storage main;
      create index chunk_embeddings_chunk_idx on knowledge.chunk_embeddings (property_id, chunk_id);
      create index chunk_embeddings_builtin_hnsw on knowledge.chunk_embeddings
        using hnsw ((embedding::vector(384)) vector_cosine_ops)
        where model = 'builtin-hash-v1' and dimensions = 384;
      create index chunk_embeddings_te3small_hnsw on knowledge.chunk_embeddings
        using hnsw ((embedding::vector(1536)) vector_cosine_ops)
        where model = 'text-embedding-3-small' and dimensions = 1536;
      select platform.apply_tenant_policy('knowledge.chunk_embeddings', 'select, insert, delete');

      create table knowledge.index_state (
        property_id uuid not null primary key,
        model varchar(120),
        dimensions smallint,
        target_model varchar(120),
        target_dimensions smallint,
        reindex_started_at timestamptz,
        reindexed_at timestamptz,
        updated_at timestamptz not null default now()
      );
      create trigger index_state_touch before update on knowledge.index_state
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('knowledge.index_state', 'select, insert, update');

      create table knowledge.response_cache (
        property_id uuid not null,
        id uuid not null default platform.uuid_v7(),
        -- 'guest' answers only from guest-visible entries; 'staff' from internal ones too.
        audience varchar(10) not null check (audience in ('guest', 'staff')),
        question_key varchar(1200) not null,
        question text not null,
        answer text not null,
        sources jsonb not null default '[]'::jsonb,
        source_entry_ids uuid[] not null default '{}',
        engine varchar(40) not null,
        model varchar(120),
        dimensions smallint,
        question_embedding vector,
        hit_count integer not null default 0,
        last_hit_at timestamptz,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (property_id, id),
        unique (property_id, audience, question_key)
      );
      create index response_cache_sources_idx on knowledge.response_cache
        using gin (property_id, source_entry_ids);
      create index response_cache_expiry_idx on knowledge.response_cache (property_id, expires_at);
      select platform.apply_tenant_policy('knowledge.response_cache', 'select, insert, update, delete');

      create function platform.current_organization_id() returns uuid
        language sql stable parallel safe
        set search_path = pg_catalog
      as $$ select nullif(current_setting('app.organization_id', true), '')::uuid $$;
      revoke all on function platform.current_organization_id() from public;
      grant execute on function platform.current_organization_id() to butler_runtime;

      -- An organization's group entries: the shared source of the per-property copies. Isolated
      -- by organization the way tenant tables are by property (a fail-closed, transaction-local
      -- setting that only the api sets, after checking the caller administers the organization).
      create table knowledge.group_entries (
        organization_id uuid not null references platform.organizations (id),
        id uuid not null default platform.uuid_v7(),
        fields jsonb not null,
        version integer not null default 1,
        created_by uuid,
        updated_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (organization_id, id)
      );
      create trigger group_entries_touch before update on knowledge.group_entries
        for each row execute function platform.touch_updated_at();
      alter table knowledge.group_entries enable row level security;
      alter table knowledge.group_entries force row level security;
      create policy group_entries_organization_isolation on knowledge.group_entries
        as permissive for all to public
        using (organization_id = platform.current_organization_id())
        with check (organization_id = platform.current_organization_id());
      grant select, insert, update, delete on knowledge.group_entries to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table if exists knowledge.group_entries;
      drop function if exists platform.current_organization_id();
      drop table if exists knowledge.response_cache;
      drop table if exists knowledge.index_state;
      drop table if exists knowledge.chunk_embeddings;
      drop table if exists knowledge.chunks;
      drop index if exists knowledge.entries_group_idx;
      drop trigger if exists entries_touch on knowledge.entries;
      create trigger entries_touch before update on knowledge.entries
        for each row execute function platform.touch_updated_at();
      alter table knowledge.entries
        drop column if exists group_entry_id,
        drop column if exists embedded_model,
        drop column if exists embedded_dimensions,
        drop column if exists embedded_at;
      drop function if exists knowledge.search_config(text);
    `);
  }
}
