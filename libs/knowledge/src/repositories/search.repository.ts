import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type EmbeddingModel } from '../services/embedding-providers';
import { vectorLiteral } from './chunks.repository';

/** Which entries may answer: always active and inside their validity window. */
export interface SearchScope {
  visibility?: string;
  category?: string;
  language?: string;
}

export interface Candidate {
  chunk_id: string;
  score: number;
}

export interface ChunkHit {
  chunk_id: string;
  entry_id: string;
  title: string;
  category: string;
  visibility: string;
  language: string;
  priority: number;
  heading: string | null;
  content: string;
  snippet: string;
}

/** Entry conditions shared by both legs; parameters from $first on (visibility, category, language). */
export function scopeSql(first: number): string {
  const [v, c, l] = [first, first + 1, first + 2].map((n) => `$${n}`);
  return `en.status = 'active'
    and (en.valid_from is null or en.valid_from <= now()) and (en.valid_until is null or en.valid_until > now())
    and (${v}::text is null or en.visibility = ${v}) and (${c}::text is null or en.category = ${c})
    and (${l}::text is null or en.language = ${l} or en.language like ${l} || '-%')`;
}

const scopeParams = (s: SearchScope) => [s.visibility ?? null, s.category ?? null, s.language ?? null];

/**
 * Nearest chunks by cosine distance, by an exact scan of the property's vectors of one model
 * (the distance expression deliberately differs from the HNSW indexes' `embedding::vector(n)`, so
 * no index can stand in for the scan). Each distance is computed once (`offset 0` keeps the
 * subquery from being flattened into a second computation in ORDER BY). Exact, and fast for the
 * typical hotel's hundreds to few thousand chunks, read through the (property_id, model,
 * dimensions) key.
 */
export const EXACT_VECTOR_SQL = `
  select chunk_id, 1 - distance as score
    from (select e.chunk_id, e.embedding <=> $2::vector as distance
            from knowledge.chunk_embeddings e
            join knowledge.chunks c on c.property_id = e.property_id and c.id = e.chunk_id
            join knowledge.entries en on en.property_id = c.property_id and en.id = c.entry_id
           where e.property_id = $1 and e.model = $3 and e.dimensions = $4 and ${scopeSql(6)}
           offset 0) scanned
   order by distance
   limit $5`;

/**
 * Nearest chunks through the model's partial HNSW index (`embedding::vector(n)`), for properties
 * too large to scan. The index knows no property or entry filter; iterative scans (pgvector 0.8)
 * keep reading the graph until enough rows pass them, and an over-fetch leaves room for the
 * entry conditions applied afterwards.
 */
export function hnswVectorSql(dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError('dimensions must be an integer');
  const v = `vector(${dimensions})`;
  return `
  with nearest as materialized (
    select e.chunk_id, e.embedding::${v} <=> $2::${v} as distance
      from knowledge.chunk_embeddings e
     where e.property_id = $1 and e.model = $3 and e.dimensions = $4
     order by e.embedding::${v} <=> $2::${v}
     limit $5 * 4)
  select n.chunk_id, 1 - n.distance as score
    from nearest n
    join knowledge.chunks c on c.property_id = $1 and c.id = n.chunk_id
    join knowledge.entries en on en.property_id = c.property_id and en.id = c.entry_id
   where ${scopeSql(6)}
   order by n.distance
   limit $5`;
}

/**
 * Best chunks by full-text rank. The question is parsed once per text search configuration the
 * property's entries use (each chunk's tsvector is in its entry's language) and its words are
 * OR-ed: a guest's question rarely shares every word with the answer; ts_rank_cd rewards those
 * that share more, and closer together.
 */
export const TEXT_SQL = `
  with q as (
    select cfg, replace(plainto_tsquery(cfg, $2)::text, '&', '|')::tsquery as tsq
      from (select distinct knowledge.search_config(language) as cfg
              from knowledge.entries where property_id = $1 and status = 'active') l)
  select c.id as chunk_id, ts_rank_cd(c.tsv, q.tsq, 1) as score
    from q
    join knowledge.chunks c on c.property_id = $1 and c.search_config = q.cfg and c.tsv @@ q.tsq
    join knowledge.entries en on en.property_id = c.property_id and en.id = c.entry_id
   where ${scopeSql(4)}
   order by score desc, c.id
   limit $3`;

/** Search legs over knowledge.chunks and knowledge.chunk_embeddings. */
@Injectable()
export class SearchRepository {
  constructor(private readonly db: TenantDb) {}

  /** Nearest chunks to `vector` among the property's vectors of model `m`. */
  async nearest(
    propertyId: string,
    m: EmbeddingModel,
    vector: number[],
    limit: number,
    scope: SearchScope,
    useIndex: boolean,
  ): Promise<Candidate[]> {
    const params = [propertyId, vectorLiteral(vector), m.model, m.dimensions, limit, ...scopeParams(scope)];
    if (!useIndex) return rowsOf<Candidate>(this.db.manager.query(EXACT_VECTOR_SQL, params));
    // Both settings are transaction-local, so they end with the request.
    await this.db.manager.query(
      `select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`,
    );
    return rowsOf<Candidate>(this.db.manager.query(hnswVectorSql(m.dimensions), params));
  }

  matching(propertyId: string, text: string, limit: number, scope: SearchScope): Promise<Candidate[]> {
    return rowsOf<Candidate>(
      this.db.manager.query(TEXT_SQL, [propertyId, text, limit, ...scopeParams(scope)]),
    );
  }

  /** The chunks themselves, with their entry and a snippet around the question's words. */
  async hits(propertyId: string, chunkIds: string[], text: string): Promise<ChunkHit[]> {
    if (chunkIds.length === 0) return [];
    return rowsOf<ChunkHit>(
      this.db.manager.query(
        `select c.id as chunk_id, c.entry_id, en.title, en.category, en.visibility, en.language, en.priority,
                c.heading, c.content,
                ts_headline(c.search_config, c.content,
                            replace(plainto_tsquery(c.search_config, $3)::text, '&', '|')::tsquery,
                            'StartSel=**, StopSel=**, MaxWords=40, MinWords=15, MaxFragments=2') as snippet
           from knowledge.chunks c
           join knowledge.entries en on en.property_id = c.property_id and en.id = c.entry_id
          where c.property_id = $1 and c.id = any($2::uuid[])`,
        [propertyId, chunkIds, text],
      ),
    );
  }

  /** Records that entries were used to answer (the usage counter of the health report). */
  async countUsage(propertyId: string, entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    await this.db.manager.query(
      `update knowledge.entries set usage_count = usage_count + 1 where property_id = $1 and id = any($2::uuid[])`,
      [propertyId, entryIds],
    );
  }
}
