/**
 * bench/knowledge-search: the knowledge base's vector search as the product runs it (the app role
 * under row-level security, one property transaction per search, the SQL exported by
 * @app/knowledge), on synthetic clustered embeddings of text-embedding-3-small's 1,536 dimensions:
 *
 *   (a) 1,000 properties × 1,000 chunks (1M vectors): the exact scan the product picks at this
 *       size, at 1 and 8 clients (and the HNSW query on the same data when its index is built);
 *   (b) one property with 100,000 chunks: exact against HNSW (ef_search 40 / 100 / 200), with
 *       recall@5 against the exact scan's answers;
 *   BENCH_THRESHOLDS=1: both plans on properties of 1k / 5k / 20k / 50k chunks loaded beside
 *       (b)'s, in one HNSW index (which (b) then shares), for KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS.
 *
 *   npm run bench:knowledge-search
 *
 * BENCH_SECONDS: each timed phase (default 20; threshold phases a quarter of it, or
 * BENCH_THRESHOLD_SECONDS); BENCH_A_PROPERTIES, BENCH_A_CHUNKS, BENCH_B_CHUNKS, BENCH_DIMS: sizes;
 * BENCH_CENTROIDS: topics (default 2,000); BENCH_RECALL_QUERIES: queries recall is measured on
 * (default 100); BENCH_PARTS=a or b runs one part; BENCH_A_HNSW=1 / 0 forces or skips (a)'s HNSW
 * index (default: built up to 200,000 vectors; 1M would take over 40 minutes on 2 cores);
 * BENCH_THRESHOLDS=1 (BENCH_THRESHOLD_SIZES=1000,5000,…); BENCH_LOAD_SESSIONS: loading connections
 * (default: one per core); BENCH_VECTOR_STORAGE=extended (or another storage) overrides the
 * migration's inline `main` storage of the vectors, to measure TOAST against it; BENCH_KEEP_DB=1
 * keeps the databases.
 * Freshness (a new entry searchable within 10 s with the builtin provider) is not measured here.
 */
import 'reflect-metadata';

import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

import { type DbUrls, dropDatabase, withDatabase } from '@app/db/scripts/provisioning';
import { AppConfig, loadDatabaseUrls } from '@app/platform/config';
import { Client, Pool } from 'pg';

import { env, fmt } from '../lib/api-process';
import {
  addProperties,
  adminSession,
  buildIndex,
  createGenerator,
  createQueries,
  dropVectorIndex,
  freshDatabase,
  loadChunks,
  type Property,
  type Query,
  settle,
  setVectorStorage,
  type Sizes,
  sizes,
} from './dataset';
import {
  EXACT,
  explain,
  hnsw,
  type Plan,
  planName,
  type Recall,
  recall,
  searchAll,
  type SearchShape,
  type Timed,
  timed,
} from './search';

const SECONDS = Number(env.BENCH_SECONDS ?? 20);
const THRESHOLD_SECONDS = Number(env.BENCH_THRESHOLD_SECONDS ?? Math.max(2, Math.round(SECONDS / 4)));
const A_PROPERTIES = Number(env.BENCH_A_PROPERTIES ?? 1_000);
const A_CHUNKS = Number(env.BENCH_A_CHUNKS ?? 1_000);
const B_CHUNKS = Number(env.BENCH_B_CHUNKS ?? 100_000);
const DIMS = Number(env.BENCH_DIMS ?? 1536);
const CENTROIDS = Number(env.BENCH_CENTROIDS ?? 2_000);
const RECALL_QUERIES = Number(env.BENCH_RECALL_QUERIES ?? 100);
const PARTS = (env.BENCH_PARTS ?? 'a,b').split(',').map((p) => p.trim());
const THRESHOLDS = env.BENCH_THRESHOLDS === '1';
const THRESHOLD_SIZES = (env.BENCH_THRESHOLD_SIZES ?? '1000,5000,20000,50000').split(',').map(Number);
const KEEP_DB = env.BENCH_KEEP_DB === '1';
const LOAD_SESSIONS = Number(env.BENCH_LOAD_SESSIONS ?? cpus().length);
const VECTOR_STORAGE = env.BENCH_VECTOR_STORAGE;
const CLIENTS = [1, 8];
const EF_SEARCH = [40, 100, 200];
/** Connections the ground truth is computed with (it is not timed). */
const TRUTH_CONCURRENCY = 2;
/** The search service's candidate pool for the default limit of 5: max(limit × 4, 40). */
const SHAPE: SearchShape = { dims: DIMS, limit: 40 };
/** Above this many chunks the search service takes the HNSW plan. */
const MAX_EXACT = Number(
  env.KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS ?? new AppConfig().KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS,
);
const AIMS = { a: { p95Ms: 15, recall: 1 }, b: { p95Ms: 40, recall: 0.95 } };
/**
 * Bytes per chunk on disk: the vector in TOAST (at 1,536 dimensions four 2 kB chunks, which leave
 * a page about a quarter empty), its row and keys, the chunk, the entry and their indexes.
 */
const BYTES_PER_CHUNK = (4 * DIMS + 8) * 1.35 + 1_400;
/** Bytes per vector of an HNSW index (one element a page at 1,536 dimensions). */
const BYTES_PER_HNSW_ELEMENT = (4 * DIMS + 8) * 1.3 + 200;
const A_VECTORS = A_PROPERTIES * A_CHUNKS;
const A_HNSW_AUTO_MAX = 200_000;
const BUILD_A_HNSW = env.BENCH_A_HNSW === '1' || (env.BENCH_A_HNSW !== '0' && A_VECTORS <= A_HNSW_AUTO_MAX);

const phases: { name: string; seconds: number }[] = [];
const problems: string[] = [];

async function main(): Promise<void> {
  const urls = loadDatabaseUrls();
  await environment(urls);
  const a = PARTS.includes('a') ? await partA(urls) : undefined;
  const b = PARTS.includes('b') ? await partB(urls) : undefined;
  if (b?.thresholds) printThresholds(b);
  console.log('');
  printAims(a, b);
  console.log('');
  console.log('phase timings');
  for (const p of phases) console.log(`  ${p.name.padEnd(56)} ${fmt(p.seconds, 1).padStart(8)} s`);
  const total = phases.reduce((s, p) => s + p.seconds, 0);
  console.log(`  ${'total'.padEnd(56)} ${fmt(total, 1).padStart(8)} s (${fmt(total / 60, 1)} min)`);
  if (problems.length > 0) throw new Error(`the figures are void: ${problems.join('; ')}`);
}

/** The machine, the server's settings, and the disk the data needs. */
async function environment(urls: DbUrls): Promise<void> {
  const admin = new Client({ connectionString: urls.admin });
  await admin.connect();
  try {
    const { rows } = await admin.query<Record<string, string>>(
      `select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers,
              current_setting('work_mem') as work_mem, current_setting('jit') as jit,
              current_setting('random_page_cost') as random_page_cost,
              current_setting('data_directory') as data_directory,
              (select default_version from pg_available_extensions where name = 'vector') as pgvector`,
    );
    const s = rows[0];
    console.log(
      `${cpus().length} cores; PostgreSQL ${s.version} (shared_buffers ${s.shared_buffers}, work_mem ${s.work_mem}, ` +
        `jit ${s.jit}, random_page_cost ${s.random_page_cost}); pgvector ${s.pgvector}`,
    );
    console.log(execFileSync('df', ['-h', '/work'], { encoding: 'utf8' }).trimEnd());
    const free = freeBytes(s.data_directory);
    const a = PARTS.includes('a')
      ? A_VECTORS * (BYTES_PER_CHUNK + (BUILD_A_HNSW ? BYTES_PER_HNSW_ELEMENT : 0))
      : 0;
    const bVectors = B_CHUNKS + (THRESHOLDS ? THRESHOLD_SIZES.reduce((x, y) => x + y, 0) : 0);
    const b = PARTS.includes('b') ? bVectors * (BYTES_PER_CHUNK + BYTES_PER_HNSW_ELEMENT) : 0;
    const wal = 2 * 1024 ** 3;
    const need = (KEEP_DB ? a + b : Math.max(a, b)) + wal;
    console.log(
      `disk: the data needs about ${size(need)} at its peak ((a) ${size(a)}, (b) ${size(b)}, WAL ≤ ${size(wal)}` +
        `${KEEP_DB ? ', both kept' : ''}); ${size(free)} free where PostgreSQL keeps it`,
    );
    if (need > free - 1024 ** 3) throw new Error('not enough free disk for this scale');
    console.log(
      `vectors: text-embedding-3-small@${DIMS}, ${fmt(CENTROIDS)} topics; a search asks for ${SHAPE.limit} ` +
        `candidates among guest-visible entries (the search service's pool for limit 5); the product scans ` +
        `exactly up to ${fmt(MAX_EXACT)} chunks (KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS)`,
    );
  } finally {
    await admin.end();
  }
}

function freeBytes(dir: string): number {
  for (const path of [dir, '/work']) {
    try {
      const out = execFileSync('df', ['-Pk', path], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return Number(out.trim().split('\n')[1].split(/\s+/)[3]) * 1024;
    } catch {
      /* not readable: try the next */
    }
  }
  return Infinity;
}

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.log(`${name} …`);
  const out = await work();
  const seconds = (performance.now() - started) / 1000;
  phases.push({ name, seconds });
  console.log(`  ${fmt(seconds, 1)} s`);
  return out;
}

interface Db {
  admin: Client;
  /** The admin session and LOAD_SESSIONS - 1 more, for loading. */
  loaders: Client[];
  app: Pool;
  indexSql: string;
  close(): Promise<void>;
}

/** A fresh database, its generator tables, the HNSW index dropped for the load, an app-role pool. */
async function openDatabase(urls: DbUrls, part: string, database: string): Promise<Db> {
  await phase(`(${part}) create and migrate ${database}`, () => freshDatabase(urls, database));
  const admin = await adminSession(urls, database);
  const loaders = [admin];
  for (let i = 1; i < LOAD_SESSIONS; i++) loaders.push(await adminSession(urls, database, 0.42 + i / 100));
  const app = new Pool({
    connectionString: withDatabase(urls.app, database),
    max: Math.max(...CLIENTS, TRUTH_CONCURRENCY),
    application_name: 'bench-knowledge-search',
  });
  app.on('error', () => undefined); // an idle connection's error surfaces on its next query
  await phase(`(${part}) generator: ${fmt(CENTROIDS)} topics`, () => createGenerator(admin, DIMS, CENTROIDS));
  const indexSql = await dropVectorIndex(admin, DIMS);
  if (VECTOR_STORAGE) {
    await setVectorStorage(admin, VECTOR_STORAGE);
    console.log(
      `(${part}) chunk_embeddings.embedding storage set to ${VECTOR_STORAGE} (the migration's is main)`,
    );
  }
  return {
    admin,
    loaders,
    app,
    indexSql,
    async close() {
      await app.end().catch(() => undefined);
      for (const c of loaders) await c.end().catch(() => undefined);
      if (!KEEP_DB) await dropDatabase(urls.admin, database);
      else console.log(`kept database ${database}`);
    },
  };
}

/** Properties, entries, chunks and vectors, then VACUUM ANALYZE and a checkpoint. */
async function load(db: Db, part: string, sizes: number[]): Promise<Property[]> {
  const total = sizes.reduce((x, y) => x + y, 0);
  const props = await phase(
    `(${part}) ${plural(sizes.length, 'property', 'properties')} and their entries`,
    () => addProperties(db.admin, sizes, CENTROIDS),
  );
  const started = performance.now();
  await phase(`(${part}) load ${fmt(total)} chunks and vectors, ${LOAD_SESSIONS} session(s)`, () =>
    loadChunks(db.loaders, props, DIMS, CENTROIDS, (done) => {
      const s = (performance.now() - started) / 1000;
      console.log(`  ${fmt(done)} / ${fmt(total)} vectors, ${fmt(done / s)}/s`);
    }),
  );
  await phase(`(${part}) vacuum analyze, checkpoint`, () => settle(db.admin));
  return props;
}

async function build(db: Db, part: string, vectors: number): Promise<number> {
  const started = performance.now();
  await phase(`(${part}) HNSW index over ${fmt(vectors)} vectors`, () =>
    buildIndex(db.admin, db.indexSql, (m) => console.log(`  notice: ${m}`)),
  );
  return (performance.now() - started) / 1000;
}

/** Timed phases of one plan at each of CLIENTS. */
async function timedAt(
  db: Db,
  part: string,
  queries: Query[],
  plan: Plan,
  seconds = SECONDS,
): Promise<Timed[]> {
  const out: Timed[] = [];
  for (const clients of CLIENTS)
    out.push(
      await phase(`(${part}) ${planName(plan)}, ${plural(clients, 'client', 'clients')}, ${seconds} s`, () =>
        timed(db.app, queries, plan, SHAPE, clients, seconds),
      ),
    );
  return out;
}

interface PartA {
  plan: Plan;
  exact: Timed[];
  hnsw?: { recall: Recall; timed: Timed[]; indexUsed: boolean };
}

async function partA(urls: DbUrls): Promise<PartA> {
  console.log('');
  console.log(`(a) ${plural(A_PROPERTIES, 'property', 'properties')} × ${fmt(A_CHUNKS)} chunks`);
  const db = await openDatabase(urls, 'a', 'butler_bench_knowledge_a');
  try {
    const loadStarted = performance.now();
    const props = await load(db, 'a', new Array<number>(A_PROPERTIES).fill(A_CHUNKS));
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const buildSeconds = BUILD_A_HNSW ? await build(db, 'a', A_VECTORS) : undefined;
    if (!BUILD_A_HNSW)
      console.log(
        `(a) HNSW index not built (over ${fmt(A_HNSW_AUTO_MAX)} vectors: its graph of about ` +
          `${size(A_VECTORS * BYTES_PER_HNSW_ELEMENT)} outgrows a 2 GB maintenance_work_mem, and at the ~400 ` +
          `vectors/s 2 cores build it in memory it would take over 40 min; BENCH_A_HNSW=1 builds it anyway). BENCH_THRESHOLDS=1 ` +
          `measures small properties in a shared index.`,
      );
    printSizes('a', await sizes(db.admin), A_VECTORS, loadSeconds, buildSeconds);
    const ords = props.map((p) => p.ord);
    const queries = await createQueries(
      db.admin,
      'a',
      ords,
      Math.max(2_000, RECALL_QUERIES),
      DIMS,
      CENTROIDS,
    );
    await printPlan(db.app, 'a', queries[0], EXACT);
    const exact = await timedAt(db, 'a', queries, EXACT);
    exact.forEach((t) => printTimed('(a) exact', t));
    const out: PartA = { plan: A_CHUNKS > MAX_EXACT ? hnsw() : EXACT, exact };
    if (buildSeconds === undefined) return out;
    const indexUsed = await printPlan(db.app, 'a', queries[0], hnsw());
    const sample = queries.slice(0, RECALL_QUERIES);
    const truth = await phase(`(a) ground truth (exact) of ${sample.length} queries`, () =>
      searchAll(db.app, sample, EXACT, SHAPE, TRUTH_CONCURRENCY),
    );
    const r = recall(await searchAll(db.app, sample, hnsw(), SHAPE, 1), truth, SHAPE.limit);
    const t = await timedAt(db, 'a', queries, hnsw());
    t.forEach((x) => printTimed('(a) hnsw ef_search 100', x));
    printRecall('(a) hnsw ef_search 100', r);
    return { ...out, hnsw: { recall: r, timed: t, indexUsed } };
  } finally {
    await db.close();
  }
}

interface PartB {
  plan: Plan;
  exact: Timed[];
  hnsw: Timed[];
  sweep: { efSearch: number; timed: Timed; recall: Recall }[];
  indexUsed: boolean;
  thresholds?: ThresholdRow[];
}

interface ThresholdRow {
  chunks: number;
  exact: Timed[];
  hnsw: Timed[];
  recall: Recall;
  indexUsed: boolean;
}

async function partB(urls: DbUrls): Promise<PartB> {
  console.log('');
  console.log(`(b) one property with ${fmt(B_CHUNKS)} chunks`);
  const db = await openDatabase(urls, 'b', 'butler_bench_knowledge_b');
  try {
    const loadStarted = performance.now();
    // The threshold properties share the database and the index with (b): one build, not two.
    const [prop, ...others] = await load(db, 'b', [B_CHUNKS, ...(THRESHOLDS ? THRESHOLD_SIZES : [])]);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const vectors = B_CHUNKS + others.reduce((n, p) => n + p.chunks, 0);
    if (others.length > 0)
      console.log(
        `(b) shares its HNSW index with the threshold properties' ${fmt(vectors - B_CHUNKS)} vectors`,
      );
    const buildSeconds = await build(db, 'b', vectors);
    printSizes('b', await sizes(db.admin), vectors, loadSeconds, buildSeconds);
    const queries = await createQueries(
      db.admin,
      'b',
      [prop.ord],
      Math.max(500, RECALL_QUERIES),
      DIMS,
      CENTROIDS,
    );
    await printPlan(db.app, 'b', queries[0], EXACT);
    const indexUsed = await printPlan(db.app, 'b', queries[0], hnsw());
    const sample = queries.slice(0, RECALL_QUERIES);
    const truth = await phase(`(b) ground truth (exact) of ${sample.length} queries`, () =>
      searchAll(db.app, sample, EXACT, SHAPE, TRUTH_CONCURRENCY),
    );
    const exact = await timedAt(db, 'b', queries, EXACT);
    const hnswTimed = await timedAt(db, 'b', queries, hnsw());
    const sweep: PartB['sweep'] = [];
    for (const ef of EF_SEARCH) {
      const one =
        ef === 100
          ? hnswTimed[0]
          : await phase(`(b) hnsw ef_search ${ef}, 1 client, ${SECONDS} s`, () =>
              timed(db.app, queries, hnsw(ef), SHAPE, 1, SECONDS),
            );
      const got = await searchAll(db.app, sample, hnsw(ef), SHAPE, 1);
      sweep.push({ efSearch: ef, timed: one, recall: recall(got, truth, SHAPE.limit) });
    }
    exact.forEach((t) => printTimed('(b) exact', t));
    hnswTimed.forEach((t) => printTimed('(b) hnsw ef_search 100', t));
    printSweep(exact[0], sweep, indexUsed);
    const plan = B_CHUNKS > MAX_EXACT ? hnsw() : EXACT;
    const out: PartB = { plan, exact, hnsw: hnswTimed, sweep, indexUsed };
    if (others.length > 0) out.thresholds = await thresholds(db, others);
    return out;
  } finally {
    await db.close();
  }
}

/**
 * Both plans on properties of THRESHOLD_SIZES chunks, loaded beside (b)'s into the same database
 * and HNSW index (as in production, where one index holds every property's vectors).
 */
async function thresholds(db: Db, props: Property[]): Promise<ThresholdRow[]> {
  console.log('');
  console.log(`thresholds: properties of ${props.map((p) => fmt(p.chunks)).join(' / ')} chunks beside (b)'s`);
  const rows: ThresholdRow[] = [];
  for (const p of props) {
    const queries = await createQueries(db.admin, `t${p.ord}`, [p.ord], 200, DIMS, CENTROIDS);
    const sample = queries.slice(0, Math.min(RECALL_QUERIES, 50));
    const truth = await searchAll(db.app, sample, EXACT, SHAPE, TRUTH_CONCURRENCY);
    const r = recall(await searchAll(db.app, sample, hnsw(), SHAPE, 1), truth, SHAPE.limit);
    const indexUsed = await printPlan(db.app, 't', queries[0], hnsw(), `${fmt(p.chunks)} chunks`);
    const part = `t ${fmt(p.chunks)}`;
    const exact = await timedAt(db, part, queries, EXACT, THRESHOLD_SECONDS);
    const h = await timedAt(db, part, queries, hnsw(), THRESHOLD_SECONDS);
    rows.push({ chunks: p.chunks, exact, hnsw: h, recall: r, indexUsed });
  }
  return rows;
}

function printSizes(
  part: string,
  s: Sizes,
  vectors: number,
  loadSeconds: number,
  buildSeconds?: number,
): void {
  console.log(
    `(${part}) load ${fmt(loadSeconds, 1)} s (${fmt(vectors / loadSeconds)} vectors/s, with VACUUM ANALYZE)` +
      (buildSeconds === undefined
        ? ''
        : `; HNSW build ${fmt(buildSeconds, 1)} s (${fmt(vectors / buildSeconds)} vectors/s)`),
  );
  console.log(
    `(${part}) sizes: chunk_embeddings heap ${size(s.embeddingsHeap)}, TOAST ${size(s.embeddingsToast)} ` +
      `(+ its index ${size(s.embeddingsToastIndex)}), B-tree keys ${size(s.embeddingsKeys)}` +
      `${s.hnsw === null ? '' : `, HNSW index ${size(s.hnsw)}`}; chunks ${size(s.chunks)} and entries ` +
      `${size(s.entries)} with indexes; database ${size(s.database)} ` +
      `(${fmt((s.embeddingsHeap + s.embeddingsToast + s.embeddingsToastIndex) / vectors)} bytes per vector stored)`,
  );
}

/**
 * Prints the plan PostgreSQL chose for the query; returns whether it reads the HNSW index. The
 * planner may answer hnswVectorSql without the index (a top-N sort of the property's vectors, an
 * exact scan) when that costs less; the exact query must never use it (it is the ground truth).
 */
async function printPlan(app: Pool, part: string, q: Query, plan: Plan, what = ''): Promise<boolean> {
  const e = await explain(app, q, plan, SHAPE);
  console.log(
    `(${part}) ${what ? `${what}, ` : ''}${planName(plan)}: ${e.shape}; JIT ${e.jit ? 'yes' : 'no'}; ` +
      `${fmt(e.executionMs, 1)} ms, ${fmt(e.hitBlocks)} blocks hit, ${fmt(e.readBlocks)} read`,
  );
  if (plan.kind === 'exact' && e.usesHnsw) problems.push(`(${part}) the exact query used the HNSW index`);
  if (plan.kind === 'hnsw' && !e.usesHnsw)
    console.log('  the planner did not use the HNSW index: hnswVectorSql ran as an exact scan');
  return e.usesHnsw;
}

function printTimed(title: string, t: Timed): void {
  console.log(
    `${title.padEnd(24)} ${String(t.clients).padStart(2)} client(s)  ${fmt(t.perSecond, 1).padStart(8)} searches/s   ` +
      `p50 ${fmt(t.p50, 1)}  p95 ${fmt(t.p95, 1)}  p99 ${fmt(t.p99, 1)} ms   (transaction p95 ${fmt(t.transactionP95, 1)} ms; ` +
      `${fmt(t.searches)} searches, ${t.short} with < 5 rows; CPU postgres ${fmt(t.cpu.postgres, 2)}, ` +
      `bench ${fmt(t.cpu.self, 2)}, other ${fmt(t.cpu.other, 2)})`,
  );
  if (t.cpu.other > 0.15)
    console.log(
      `  warning: other processes used ${fmt(t.cpu.other, 2)} cores meanwhile; the figures are disturbed`,
    );
}

function printRecall(title: string, r: Recall): void {
  console.log(
    `${title}: recall@5 ${fmt(r.at5, 3)}, recall@${SHAPE.limit} ${fmt(r.atLimit, 3)} over ${r.queries} queries; ` +
      `${r.short5} returned fewer than 5 rows, ${r.shortLimit} fewer than the exact scan`,
  );
}

function printSweep(exact: Timed, sweep: PartB['sweep'], indexUsed: boolean): void {
  console.log('');
  console.log(
    `(b) 1 client            p50 ms   p95 ms   p99 ms   recall@5   recall@${SHAPE.limit}   < 5 rows` +
      (indexUsed ? '' : '   (HNSW index unused: all exact scans)'),
  );
  const line = (name: string, t: Timed, r5: string, rl: string, short: string) =>
    console.log(
      `    ${name.padEnd(20)}${fmt(t.p50, 1).padStart(7)}${fmt(t.p95, 1).padStart(9)}${fmt(t.p99, 1).padStart(9)}` +
        `${r5.padStart(11)}${rl.padStart(12)}${short.padStart(11)}`,
    );
  line('exact', exact, '1.000', '1.000', '0');
  for (const s of sweep)
    line(
      `hnsw ef_search ${s.efSearch}`,
      s.timed,
      fmt(s.recall.at5, 3),
      fmt(s.recall.atLimit, 3),
      `${s.recall.short5}/${s.recall.queries}`,
    );
}

function printThresholds(b: PartB): void {
  console.log('');
  console.log(
    `thresholds (KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS ${fmt(MAX_EXACT)}): p95 ms at ${CLIENTS.join(' / ')} clients; ` +
      `the last row is (b)`,
  );
  console.log(
    '     chunks       exact p95        hnsw p95   index used   hnsw recall@5   < 5 rows   product picks',
  );
  const rows: ThresholdRow[] = [
    ...(b.thresholds ?? []),
    {
      chunks: B_CHUNKS,
      exact: b.exact,
      hnsw: b.hnsw,
      recall: b.sweep.find((s) => s.efSearch === 100)!.recall,
      indexUsed: b.indexUsed,
    },
  ];
  const pair = (t: Timed[]) => t.map((x) => fmt(x.p95, 1)).join(' / ');
  for (const r of rows)
    console.log(
      `    ${fmt(r.chunks).padStart(7)}${pair(r.exact).padStart(16)}${pair(r.hnsw).padStart(16)}` +
        `${(r.indexUsed ? 'yes' : 'no').padStart(13)}${fmt(r.recall.at5, 3).padStart(16)}` +
        `${`${r.recall.short5}/${r.recall.queries}`.padStart(11)}   ${r.chunks > MAX_EXACT ? 'hnsw' : 'exact'}`,
    );
}

function printAims(a: PartA | undefined, b: PartB | undefined): void {
  console.log('aims (p95 of the search statements; recall@5 against the exact scan)');
  if (a) {
    const exact = a.plan.kind === 'exact';
    const chosen = exact ? a.exact : (a.hnsw?.timed ?? []);
    const r = exact ? 1 : a.hnsw?.recall.at5;
    console.log(
      `(a) ${fmt(A_PROPERTIES)} × ${fmt(A_CHUNKS)} chunks, the product's plan: ${planName(a.plan)}`,
    );
    for (const t of chosen)
      console.log(
        `    ${plural(t.clients, 'client', 'clients')}: p95 ${fmt(t.p95, 1)} ms / aim ${AIMS.a.p95Ms} ms = ` +
          `${fmt(t.p95 / AIMS.a.p95Ms, 2)}×   recall@5 ${r === undefined ? '—' : fmt(r, 3)} ` +
          `(aim ${fmt(AIMS.a.recall, 1)}${exact ? ': the exact scan is the ground truth' : ''})`,
      );
    if (a.hnsw)
      console.log(
        `    the HNSW query instead (${a.hnsw.indexUsed ? 'through the index' : 'the planner did not use the index'}): ` +
          `p95 ${a.hnsw.timed.map((t) => fmt(t.p95, 1)).join(' / ')} ms at ${CLIENTS.join(' / ')} clients, ` +
          `recall@5 ${fmt(a.hnsw.recall.at5, 3)}, ${a.hnsw.recall.short5} of ${a.hnsw.recall.queries} ` +
          `searches with < 5 rows`,
      );
  }
  if (b) {
    const chosen = b.plan.kind === 'exact' ? b.exact : b.hnsw;
    const r = b.plan.kind === 'exact' ? 1 : b.sweep.find((s) => s.efSearch === 100)!.recall.at5;
    const how = b.plan.kind === 'hnsw' && !b.indexUsed ? ' (the planner did not use the index)' : '';
    console.log(`(b) ${fmt(B_CHUNKS)} chunks, the product's plan: ${planName(b.plan)}${how}`);
    for (const t of chosen)
      console.log(
        `    ${plural(t.clients, 'client', 'clients')}: p95 ${fmt(t.p95, 1)} ms / aim ${AIMS.b.p95Ms} ms = ` +
          `${fmt(t.p95 / AIMS.b.p95Ms, 2)}×   recall@5 ${fmt(r, 3)} / aim ${AIMS.b.recall} = ${fmt(r / AIMS.b.recall, 2)}×`,
      );
  }
}

const plural = (n: number, one: string, many: string) => `${fmt(n)} ${n === 1 ? one : many}`;

function size(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  return bytes >= 1024 ** 3 ? `${fmt(bytes / 1024 ** 3, 1)} GB` : `${fmt(bytes / 1024 ** 2)} MB`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
