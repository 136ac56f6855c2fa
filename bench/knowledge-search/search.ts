/**
 * The knowledge base's vector search as the product runs it, and its measurement: the app role,
 * one transaction per search that first scopes itself to the property (TenantDb.within), then
 * SearchRepository.nearest's statements: EXACT_VECTOR_SQL, or the HNSW settings and
 * hnswVectorSql(dimensions).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { EXACT_VECTOR_SQL, hnswVectorSql } from '@app/knowledge';
import { type Pool } from 'pg';

import { HNSW_INDEX, MODEL, type Query } from './dataset';

export type Plan = { kind: 'exact' } | { kind: 'hnsw'; efSearch: number };

export const EXACT: Plan = { kind: 'exact' };
export const hnsw = (efSearch = 100): Plan => ({ kind: 'hnsw', efSearch });
export const planName = (p: Plan) => (p.kind === 'exact' ? 'exact' : `hnsw ef_search ${p.efSearch}`);

/** TenantDb.within's first statement in every property transaction. */
const SCOPE_SQL = `select set_config('app.property_id', $1, true), set_config('app.user_id', $2, true)`;

/** SearchRepository.nearest's statement before hnswVectorSql (it sends ef_search 100). */
const hnswSettingsSql = (efSearch: number) =>
  `select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '${efSearch}', true)`;

export interface SearchShape {
  dims: number;
  /** The candidate pool the search service asks for: max(limit × 4, 40). */
  limit: number;
}

/** The repository's parameters: a guest's search (guest-visible entries, any category and language). */
const params = (q: Query, s: SearchShape) => [
  q.propertyId,
  q.vector,
  MODEL,
  s.dims,
  s.limit,
  'guest',
  null,
  null,
];

const sqlOf = (plan: Plan, s: SearchShape) =>
  plan.kind === 'exact' ? EXACT_VECTOR_SQL : hnswVectorSql(s.dims);

export interface Searched {
  ids: string[];
  /** The statements SearchRepository.nearest sends (for HNSW the settings, then the query). */
  searchMs: number;
  /** Checkout, START TRANSACTION, set_config, the search, COMMIT. */
  transactionMs: number;
}

/** One search in its own property transaction, as the app role. */
export async function search(pool: Pool, q: Query, plan: Plan, s: SearchShape): Promise<Searched> {
  const started = performance.now();
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('START TRANSACTION');
    await client.query(SCOPE_SQL, [q.propertyId, '']);
    const from = performance.now();
    if (plan.kind === 'hnsw') await client.query(hnswSettingsSql(plan.efSearch));
    const res = await client.query<{ chunk_id: string }>(sqlOf(plan, s), params(q, s));
    const searchMs = performance.now() - from;
    await client.query('COMMIT');
    return { ids: res.rows.map((r) => r.chunk_id), searchMs, transactionMs: performance.now() - started };
  } catch (err) {
    failed = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(failed);
  }
}

/** Runs `queries` in order, `concurrency` at a time; results in the queries' order. */
export async function searchAll(
  pool: Pool,
  queries: Query[],
  plan: Plan,
  s: SearchShape,
  concurrency: number,
): Promise<Searched[]> {
  const out: Searched[] = new Array<Searched>(queries.length);
  let next = 0;
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      out[i] = await search(pool, queries[i], plan, s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export interface Timed {
  clients: number;
  seconds: number;
  searches: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  transactionP95: number;
  /** Searches that returned fewer than 5 rows. */
  short: number;
  cpu: Cpu;
}

/**
 * Closed loop: `clients` workers, each searching a random query (random property for (a)) as soon
 * as its previous search returned, for `seconds`. One untimed round first opens the connections.
 */
export async function timed(
  pool: Pool,
  queries: Query[],
  plan: Plan,
  s: SearchShape,
  clients: number,
  seconds: number,
): Promise<Timed> {
  const pick = () => queries[Math.floor(Math.random() * queries.length)];
  await Promise.all(Array.from({ length: clients }, () => search(pool, pick(), plan, s)));
  const latencies: number[] = [];
  const transactions: number[] = [];
  let short = 0;
  const cpu = cpuSample();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const r = await search(pool, pick(), plan, s);
      latencies.push(r.searchMs);
      transactions.push(r.transactionMs);
      if (r.ids.length < 5) short += 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const at = percentiles(latencies);
  return {
    clients,
    seconds: elapsed,
    searches: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    transactionP95: percentiles(transactions)(0.95),
    short,
    cpu: cpuSince(cpu),
  };
}

/** Nearest-rank percentiles of `values`. */
export function percentiles(values: number[]): (q: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export interface Recall {
  at5: number;
  atLimit: number;
  /** Searches that returned fewer than 5 rows (where the ground truth has 5). */
  short5: number;
  /** Searches that returned fewer rows than the ground truth (up to the limit). */
  shortLimit: number;
  queries: number;
}

/** Mean share of the ground truth's first k found among the plan's first k, per query. */
export function recall(got: Searched[], truth: Searched[], limit: number): Recall {
  const at = (k: number) => {
    let sum = 0;
    let n = 0;
    truth.forEach((t, i) => {
      const want = t.ids.slice(0, k);
      if (want.length === 0) return;
      const have = new Set(got[i].ids.slice(0, k));
      sum += want.filter((id) => have.has(id)).length / want.length;
      n += 1;
    });
    return n === 0 ? NaN : sum / n;
  };
  return {
    at5: at(5),
    atLimit: at(limit),
    short5: got.filter((g, i) => g.ids.length < Math.min(5, truth[i].ids.length)).length,
    shortLimit: got.filter((g, i) => g.ids.length < truth[i].ids.length).length,
    queries: truth.length,
  };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface Explained {
  /** The plan's shape: node types with their index, children in parentheses. */
  shape: string;
  usesHnsw: boolean;
  jit: boolean;
  executionMs: number;
  hitBlocks: number;
  readBlocks: number;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the plan's query, in the same transaction a search runs in. */
export async function explain(pool: Pool, q: Query, plan: Plan, s: SearchShape): Promise<Explained> {
  const client = await pool.connect();
  try {
    await client.query('START TRANSACTION');
    await client.query(SCOPE_SQL, [q.propertyId, '']);
    if (plan.kind === 'hnsw') await client.query(hnswSettingsSql(plan.efSearch));
    const { rows } = await client.query<{
      'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number; JIT?: unknown }];
    }>(`explain (analyze, buffers, format json) ${sqlOf(plan, s)}`, params(q, s));
    await client.query('COMMIT');
    const [out] = rows[0]['QUERY PLAN'];
    const shape = (n: PlanNode): string => {
      const on = n['Index Name'] ?? n['Relation Name'];
      const children = n.Plans ? `(${n.Plans.map(shape).join(', ')})` : '';
      return `${n['Node Type']}${on ? ` ${on}` : ''}${children}`;
    };
    const text = shape(out.Plan);
    return {
      shape: text,
      usesHnsw: text.includes(HNSW_INDEX),
      jit: out.JIT !== undefined,
      executionMs: out['Execution Time'],
      hitBlocks: out.Plan['Shared Hit Blocks'] ?? 0,
      readBlocks: out.Plan['Shared Read Blocks'] ?? 0,
    };
  } finally {
    client.release();
  }
}

export interface Cpu {
  seconds: number;
  postgres: number;
  self: number;
  other: number;
}

interface CpuTicks {
  at: number;
  busy: number;
  postgres: number;
  self: number;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (clock ticks) of a process, with its reaped children's (backends are the postmaster's). */
function ticks(pid: number | 'self'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ')
    .map(Number);
  return fields[11] + fields[12] + fields[13] + fields[14];
}

function cpuSample(): CpuTicks {
  const [user, nice, system] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') postgres += ticks(Number(pid));
    } catch {
      /* gone meanwhile */
    }
  }
  return { at: performance.now(), busy: user + nice + system, postgres, self: ticks('self') };
}

/** Average cores used since `from` by PostgreSQL, this process and everything else on the machine. */
function cpuSince(from: CpuTicks): Cpu {
  const to = cpuSample();
  const seconds = (to.at - from.at) / 1000;
  const cores = (key: 'busy' | 'postgres' | 'self') => (to[key] - from[key]) / CLK_TCK / seconds;
  const [busy, postgres, self] = [cores('busy'), cores('postgres'), cores('self')];
  return { seconds, postgres, self, other: Math.max(0, busy - postgres - self) };
}
