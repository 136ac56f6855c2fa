/**
 * The knowledge-search bench's data: a fresh migrated database, synthetic embeddings generated in
 * PostgreSQL (nothing but ids and parameters crosses the wire) and the relation sizes.
 *
 * Vectors are clustered the way text embeddings are: `centroids` topics, each a random direction
 * plus a component every topic shares (unrelated texts still score about 0.1–0.2, as with OpenAI
 * models); a chunk is its topic plus a random direction scaled by 0.6–1.4 (chunks near the centre
 * of a topic and chunks at its edge). A property covers a window of about one topic per 20 chunks,
 * so a question about one of its topics has a few dozen close chunks among its own.
 */
import { migrateUp } from '@app/db/scripts/migrator';
import {
  type DbUrls,
  dropDatabase,
  ensureDatabase,
  ensurePgvector,
  ensureRoles,
  withDatabase,
} from '@app/db/scripts/provisioning';
import { Client } from 'pg';

export const MODEL = 'text-embedding-3-small';
/** The migration's partial HNSW index for MODEL at 1,536 dimensions. */
export const HNSW_INDEX = 'chunk_embeddings_te3small_hnsw';
/** Chunks per topic a property covers; queries land in one of its topics. */
const CHUNKS_PER_TOPIC = 20;
/** Random directions whose pairwise products make the chunks' noise (1,024² combinations). */
const CHUNK_BASES = 1024;
/** Separate directions for queries, so a query never reuses a chunk's noise. */
const QUERY_BASES = 256;
/** Chunks inserted per statement. */
const BATCH_CHUNKS = 10_000;

export interface Property {
  ord: number;
  id: string;
  chunks: number;
}

export interface Query {
  propertyId: string;
  /** The vector as pgvector prints it: the `'[..]'` literal the repository sends. */
  vector: string;
}

/** A fresh database from the migrations, as bench/lib/api-process creates one (no api needed here). */
export async function freshDatabase(urls: DbUrls, database: string): Promise<void> {
  await ensurePgvector(urls.admin, () => undefined);
  await ensureRoles(urls);
  await dropDatabase(urls.admin, database);
  await ensureDatabase(urls, database);
  await migrateUp(withDatabase(urls.owner, database));
}

/** The admin (superuser) session that loads data and builds indexes: bypasses RLS, as a migration would. */
export async function adminSession(urls: DbUrls, database: string, seed = 0.42): Promise<Client> {
  const admin = new Client({
    connectionString: withDatabase(urls.admin, database),
    application_name: 'bench-knowledge-load',
  });
  await admin.connect();
  // Bulk statements: sorts of 10,000 vectors in memory, no JIT, no flush per batch.
  await admin.query(`set work_mem = '256MB'; set jit = off; set synchronous_commit = off`);
  await admin.query('select setseed($1)', [seed]);
  return admin;
}

/**
 * Topic centroids and noise directions (Gaussian, Box–Muller) in a `bench` schema, from a fixed
 * seed. Stored inline (storage main) so the generator joins them without detoasting.
 */
export async function createGenerator(admin: Client, dims: number, centroids: number): Promise<void> {
  const gaussian = `(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real`;
  await admin.query(`
    create schema bench;
    create table bench.centroids (k int primary key, v vector not null);
    create table bench.noise (i int primary key, v vector not null);
    alter table bench.centroids alter column v set storage main;
    alter table bench.noise alter column v set storage main;
    create table bench.props (ord int primary key, id uuid not null unique, chunks int not null,
                              topics int not null, topic_offset int not null);
    create table bench.queries (label text not null, q int not null, property_id uuid not null,
                                v vector not null, primary key (label, q));`);
  await admin.query(
    `insert into bench.noise
     select i, array_agg(${gaussian} order by g)::vector
       from generate_series(0, $1::int - 1) i, generate_series(1, $2::int) g group by i`,
    [CHUNK_BASES + QUERY_BASES + 1, dims],
  );
  // The last noise row is the direction every topic shares (half the weight of its own).
  await admin.query(
    `with shared as (select l2_normalize(v) * array_fill(0.5::real, array[$3::int])::vector as v
                       from bench.noise where i = $2)
     insert into bench.centroids
     select k, l2_normalize(l2_normalize(r.v) + shared.v)
       from (select i as k, array_agg(${gaussian} order by g)::vector as v
               from generate_series(0, $1::int - 1) i, generate_series(1, $3::int) g group by i) r, shared`,
    [centroids, CHUNK_BASES + QUERY_BASES, dims],
  );
  await admin.query('analyze bench.noise, bench.centroids');
}

/**
 * Drops the model's HNSW index (a graph maintained row by row would make the load take hours) and
 * returns the statement that recreates it: the migration's own definition, read from the catalog,
 * with the dimensions replaced when the bench runs at other than 1,536.
 */
export async function dropVectorIndex(admin: Client, dims: number): Promise<string> {
  const { rows } = await admin.query<{ def: string }>(
    `select pg_get_indexdef(c.oid) as def from pg_class c
      where c.relname = $1 and c.relnamespace = 'knowledge'::regnamespace`,
    [HNSW_INDEX],
  );
  if (rows.length === 0) throw new Error(`index knowledge.${HNSW_INDEX} is missing`);
  await admin.query(`drop index knowledge.${HNSW_INDEX}`);
  return dims === 1536 ? rows[0].def : rows[0].def.replaceAll('1536', String(dims));
}

/**
 * Creates properties of the given sizes (one organization for all) with one entry per 10 chunks,
 * every tenth entry internal (the searches ask for guest-visible entries, as a guest's would).
 */
export async function addProperties(admin: Client, sizes: number[], centroids: number): Promise<Property[]> {
  const { rows: org } = await admin.query<{ id: string }>(
    `insert into platform.organizations (name) values ('Bench group') returning id`,
  );
  const { rows } = await admin.query<Property>(
    `insert into bench.props (ord, id, chunks, topics, topic_offset)
     select coalesce((select max(ord) from bench.props), 0) + s.n, platform.uuid_v7(), s.chunks,
            least($2::int, greatest(1, ceil(s.chunks / ${CHUNKS_PER_TOPIC}.0)::int)), floor(random() * $2)::int
       from unnest($1::int[]) with ordinality as s(chunks, n)
     returning ord, id, chunks`,
    [sizes, centroids],
  );
  const range = [rows[0].ord, rows[rows.length - 1].ord];
  await admin.query(
    `insert into platform.properties (id, organization_id, name, code, timezone)
     select id, $1, 'Bench hotel ' || ord, 'bench-' || ord, 'Europe/Lisbon'
       from bench.props where ord between $2 and $3 order by ord`,
    [org[0].id, ...range],
  );
  await admin.query(
    `insert into knowledge.entries (property_id, category, title, content, language, visibility, content_sha256)
     select p.id,
            (array['faq','policy','amenity','service','dining','room_type','local_info','contact','other'])[1 + e % 9],
            'Bench entry ' || e, 'Synthetic knowledge entry ' || e || ' of bench hotel ' || p.ord || '.', 'en',
            case when e % 10 = 9 then 'internal' else 'guest' end,
            encode(sha256(convert_to(p.id::text || ':' || e, 'UTF8')), 'hex')
       from bench.props p, generate_series(0, (p.chunks + 9) / 10 - 1) e
      where p.ord between $1 and $2
      order by p.ord, e`,
    range,
  );
  // Without statistics the foreign key checks of the chunks about to be inserted scan the entries.
  await admin.query('analyze platform.properties, knowledge.entries');
  return rows;
}

/** Statements of at most BATCH_CHUNKS chunks: whole small properties, or entry ranges of a large one. */
function batches(props: Property[]): { ords: [number, number]; entries: [number, number]; chunks: number }[] {
  const out: { ords: [number, number]; entries: [number, number]; chunks: number }[] = [];
  let open: (typeof out)[number] | undefined;
  for (const p of props) {
    if (p.chunks > BATCH_CHUNKS) {
      open = undefined;
      const perBatch = BATCH_CHUNKS / 10;
      for (let k = 0; k * 10 < p.chunks; k += perBatch)
        out.push({
          ords: [p.ord, p.ord],
          entries: [k, k + perBatch - 1],
          chunks: Math.min(p.chunks - k * 10, BATCH_CHUNKS),
        });
      continue;
    }
    if (open && open.chunks + p.chunks <= BATCH_CHUNKS && open.ords[1] === p.ord - 1) {
      open.ords[1] = p.ord;
      open.chunks += p.chunks;
    } else {
      open = { ords: [p.ord, p.ord], entries: [0, 2 ** 31 - 1], chunks: p.chunks };
      out.push(open);
    }
  }
  return out;
}

/**
 * The chunks and their vectors, ten per entry. Each chunk picks a topic of its property, two noise
 * directions and a spread; its vector is normalize(topic + spread · normalize(noise₁ ⊙ noise₂)).
 */
const CHUNKS_SQL = `
  with en as (
    select e.property_id, e.id, e.k, p.ord, p.chunks, p.topics, p.topic_offset
      from (select property_id, id, row_number() over (partition by property_id order by id) - 1 as k
              from knowledge.entries
             where property_id in (select id from bench.props where ord between $1 and $2)) e
      join bench.props p on p.id = e.property_id
     where e.k between $3 and $4),
  src as materialized (
    select en.property_id, en.id as entry_id, o as ordinal, en.ord, en.k * 10 + o as i,
           (en.topic_offset + floor(random() * en.topics)::int) % $5 as topic,
           floor(random() * ${CHUNK_BASES})::int as na, floor(random() * ${CHUNK_BASES})::int as nb,
           (0.6 + random() * 0.8)::real as spread
      from en cross join lateral generate_series(0, least(10, en.chunks - en.k * 10) - 1) o),
  c as (
    insert into knowledge.chunks (property_id, entry_id, ordinal, heading, content, token_estimate, search_config)
    select property_id, entry_id, ordinal, 'Topic ' || topic,
           'Synthetic passage ' || i || ' about topic ' || topic || ' of this hotel, for the knowledge search bench.',
           24, 'simple'
      from src order by ord, i
    returning property_id, id, entry_id, ordinal)
  insert into knowledge.chunk_embeddings (property_id, chunk_id, model, dimensions, embedding)
  select c.property_id, c.id, $6, $7::int,
         l2_normalize(t.v + l2_normalize(x.v * y.v) * array_fill(s.spread, array[$7::int])::vector)
    from c
    join src s on s.property_id = c.property_id and s.entry_id = c.entry_id and s.ordinal = c.ordinal
    join bench.centroids t on t.k = s.topic
    join bench.noise x on x.i = s.na
    join bench.noise y on y.i = s.nb
   order by c.property_id, c.id`;

/**
 * Loads the properties' chunks and vectors, one session per core (batch i in session i mod n);
 * reports progress about every tenth of the way.
 */
export async function loadChunks(
  sessions: Client[],
  props: Property[],
  dims: number,
  centroids: number,
  progress: (done: number, total: number) => void,
): Promise<void> {
  const all = batches(props);
  const total = all.reduce((n, b) => n + b.chunks, 0);
  let done = 0;
  let reported = 0;
  await Promise.all(
    sessions.map(async (session, j) => {
      for (let i = j; i < all.length; i += sessions.length) {
        const b = all[i];
        await session.query(CHUNKS_SQL, [...b.ords, ...b.entries, centroids, MODEL, dims]);
        done += b.chunks;
        if (done - reported >= total / 10 || done === total) {
          progress(done, total);
          reported = done;
        }
      }
    }),
  );
}

/**
 * `count` questions, each about a topic of a property drawn from `ords`:
 * normalize(topic + 0.8 · normalize(noise₁ ⊙ noise₂)) with noise the chunks never use.
 */
export async function createQueries(
  admin: Client,
  label: string,
  ords: number[],
  count: number,
  dims: number,
  centroids: number,
): Promise<Query[]> {
  await admin.query(
    `with picks as materialized (
       select g as q, ($1::int[])[1 + floor(random() * cardinality($1::int[]))::int] as ord, random() as r,
              ${CHUNK_BASES} + floor(random() * ${QUERY_BASES})::int as na,
              ${CHUNK_BASES} + floor(random() * ${QUERY_BASES})::int as nb
         from generate_series(1, $2::int) g)
     insert into bench.queries (label, q, property_id, v)
     select $3, k.q, p.id,
            l2_normalize(t.v + l2_normalize(x.v * y.v) * array_fill(0.8::real, array[$4::int])::vector)
       from picks k
       join bench.props p on p.ord = k.ord
       join bench.centroids t on t.k = (p.topic_offset + floor(k.r * p.topics)::int) % $5
       join bench.noise x on x.i = k.na
       join bench.noise y on y.i = k.nb`,
    [ords, count, label, dims, centroids],
  );
  const { rows } = await admin.query<Query>(
    `select property_id as "propertyId", v::text as vector from bench.queries where label = $1 order by q`,
    [label],
  );
  return rows;
}

/** VACUUM ANALYZE (sets hint bits and the visibility map, as autovacuum would) and a CHECKPOINT. */
export async function settle(admin: Client): Promise<void> {
  await admin.query('vacuum (analyze) knowledge.entries, knowledge.chunks, knowledge.chunk_embeddings');
  await admin.query('checkpoint');
}

/** Builds an HNSW index after the load: maintenance_work_mem raised to 2 GB, one parallel worker. */
export async function buildIndex(
  admin: Client,
  createSql: string,
  notices: (m: string) => void,
): Promise<void> {
  const onNotice = (n: { message?: string }) => notices(n.message ?? '');
  admin.on('notice', onNotice);
  try {
    await admin.query(`set maintenance_work_mem = '2GB'; set max_parallel_maintenance_workers = 1`);
    await admin.query(createSql);
    await admin.query('analyze knowledge.chunk_embeddings');
    await admin.query('checkpoint');
  } finally {
    admin.off('notice', onNotice);
  }
}

/** Changes how the vectors are stored (before the load): `main` keeps a 1,536-dimension vector inline. */
export async function setVectorStorage(admin: Client, storage: string): Promise<void> {
  if (!['plain', 'main', 'external', 'extended'].includes(storage))
    throw new Error(`BENCH_VECTOR_STORAGE must be plain, main, external or extended, not ${storage}`);
  await admin.query(`alter table knowledge.chunk_embeddings alter column embedding set storage ${storage}`);
}

export interface Sizes {
  embeddingsHeap: number;
  embeddingsToast: number;
  embeddingsToastIndex: number;
  embeddingsKeys: number;
  hnsw: number | null;
  chunks: number;
  entries: number;
  database: number;
}

export async function sizes(admin: Client): Promise<Sizes> {
  const { rows } = await admin.query<Record<keyof Sizes, string | null>>(
    `select pg_relation_size(e.oid) as "embeddingsHeap",
            pg_relation_size(e.reltoastrelid) as "embeddingsToast",
            pg_indexes_size(e.reltoastrelid) as "embeddingsToastIndex",
            pg_indexes_size(e.oid) - coalesce(pg_relation_size(to_regclass('knowledge.${HNSW_INDEX}')), 0)
              as "embeddingsKeys",
            pg_relation_size(to_regclass('knowledge.${HNSW_INDEX}')) as hnsw,
            pg_total_relation_size('knowledge.chunks') as chunks,
            pg_total_relation_size('knowledge.entries') as entries,
            pg_database_size(current_database()) as database
       from pg_class e where e.oid = 'knowledge.chunk_embeddings'::regclass`,
  );
  const r = rows[0];
  const n = (v: string | null) => Number(v ?? 0);
  return {
    embeddingsHeap: n(r.embeddingsHeap),
    embeddingsToast: n(r.embeddingsToast),
    embeddingsToastIndex: n(r.embeddingsToastIndex),
    embeddingsKeys: n(r.embeddingsKeys),
    hnsw: r.hnsw === null ? null : n(r.hnsw),
    chunks: n(r.chunks),
    entries: n(r.entries),
    database: n(r.database),
  };
}
