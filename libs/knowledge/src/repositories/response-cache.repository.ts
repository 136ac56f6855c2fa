import { affectedOf, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type EmbeddingModel } from '../services/embedding-providers';
import { vectorLiteral } from './chunks.repository';

export type Audience = 'guest' | 'staff';

export interface CachedAnswerRow {
  id: string;
  question: string;
  answer: string;
  sources: unknown[];
  engine: string;
  hit_count: number;
  created_at: Date;
  similarity: number | null;
  /** Which answer of the row this is: its `created_at` in UTC to the microsecond (`store` writes a new one). */
  version: string;
  /** When it was read (the reading transaction's start), in the same form. */
  seen_at: string;
}

/** Hits on one answer of a cached question, counted since the last write of hits. */
export interface CacheHits {
  id: string;
  /** The answer's `version`: hits on an answer since stored anew are not added to the new one. */
  version: string;
  count: number;
  /** The latest hit's `seen_at`. */
  seenAt: string;
}

export interface CachedAnswerWrite {
  audience: Audience;
  questionKey: string;
  question: string;
  answer: string;
  sources: unknown[];
  sourceEntryIds: string[];
  engine: string;
  embedding: { model: EmbeddingModel; vector: number[] } | null;
  ttlSeconds: number;
}

const COLUMNS = 'id, question, answer, sources, engine, hit_count, created_at';

/** A timestamp as fixed-width UTC text to the microsecond, whatever the session's TimeZone and DateStyle. */
const utcText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
/** What a read of an answer returns besides its columns: its version and when it was read. */
const READ = `${utcText('created_at')} as version, ${utcText('now()')} as seen_at`;

/** knowledge.response_cache: answers by normalized question, with the entries they came from. */
@Injectable()
export class ResponseCacheRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * The live answer to exactly this normalized question. Its hit is counted apart (`addHits`), so
   * that guests asking the same question at once do not wait for each other's transactions.
   */
  async hit(
    propertyId: string,
    audience: Audience,
    questionKey: string,
  ): Promise<CachedAnswerRow | undefined> {
    const rows = await rowsOf<CachedAnswerRow>(
      this.db.manager.query(
        `select ${COLUMNS}, null::float8 as similarity, ${READ} from knowledge.response_cache
          where property_id = $1 and audience = $2 and question_key = $3 and expires_at > now()`,
        [propertyId, audience, questionKey],
      ),
    );
    return rows[0];
  }

  /** The live answer to the most similar question at or above `minSimilarity` (its hit counted apart). */
  async semanticHit(
    propertyId: string,
    audience: Audience,
    m: EmbeddingModel,
    vector: number[],
    minSimilarity: number,
  ): Promise<CachedAnswerRow | undefined> {
    const rows = await rowsOf<CachedAnswerRow>(
      this.db.manager.query(
        `select * from (
           select ${COLUMNS}, 1 - (question_embedding <=> $5::vector) as similarity, ${READ}
             from knowledge.response_cache
            where property_id = $1 and audience = $2 and model = $3 and dimensions = $4 and expires_at > now()
            order by question_embedding <=> $5::vector limit 1) best
          where best.similarity >= $6`,
        [propertyId, audience, m.model, m.dimensions, vectorLiteral(vector), minSimilarity],
      ),
    );
    return rows[0];
  }

  /**
   * Adds counted hits to their answers: only to the answer they were read from (`version`), not
   * to one stored anew since, whose count starts again. Rows are updated in id order.
   */
  async addHits(propertyId: string, hits: CacheHits[]): Promise<number> {
    const sorted = [...hits].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return affectedOf(
      this.db.manager.query(
        `update knowledge.response_cache r
            set hit_count = r.hit_count + h.count,
                last_hit_at = greatest(r.last_hit_at, h.seen_at)
           from unnest($2::uuid[], $3::timestamptz[], $4::int[], $5::timestamptz[]) as h(id, version, count, seen_at)
          where r.property_id = $1 and r.id = h.id and r.created_at = h.version`,
        [
          propertyId,
          sorted.map((h) => h.id),
          sorted.map((h) => h.version),
          sorted.map((h) => h.count),
          sorted.map((h) => h.seenAt),
        ],
      ),
    );
  }

  async store(propertyId: string, w: CachedAnswerWrite): Promise<void> {
    await this.db.manager.query(
      `insert into knowledge.response_cache (property_id, audience, question_key, question, answer, sources,
              source_entry_ids, engine, model, dimensions, question_embedding, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::vector, now() + make_interval(secs => $12))
       on conflict (property_id, audience, question_key) do update
          set question = excluded.question, answer = excluded.answer, sources = excluded.sources,
              source_entry_ids = excluded.source_entry_ids, engine = excluded.engine, model = excluded.model,
              dimensions = excluded.dimensions, question_embedding = excluded.question_embedding,
              hit_count = 0, last_hit_at = null, created_at = now(), expires_at = excluded.expires_at`,
      [
        propertyId,
        w.audience,
        w.questionKey,
        w.question,
        w.answer,
        JSON.stringify(w.sources),
        w.sourceEntryIds,
        w.engine,
        w.embedding?.model.model ?? null,
        w.embedding?.model.dimensions ?? null,
        w.embedding ? vectorLiteral(w.embedding.vector) : null,
        w.ttlSeconds,
      ],
    );
  }

  /**
   * Forgets answers built from a changed entry, and answers built from nothing (the entry may
   * now answer them).
   */
  invalidate(propertyId: string, entryId: string): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        `delete from knowledge.response_cache
          where property_id = $1 and (source_entry_ids @> array[$2::uuid] or source_entry_ids = '{}')`,
        [propertyId, entryId],
      ),
    );
  }

  pruneExpired(propertyId: string): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        'delete from knowledge.response_cache where property_id = $1 and expires_at <= now()',
        [propertyId],
      ),
    );
  }
}

/** The cache key of a question: case, accents' composition, punctuation and spacing ignored. */
export function questionKey(question: string): string {
  return question
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 1200);
}
