import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type EmbeddingModel } from '../services/embedding-providers';

export interface ChunkWrite {
  heading: string | null;
  content: string;
  tokenEstimate: number;
}

export interface PendingChunk {
  id: string;
  entry_id: string;
  content: string;
}

export interface IndexStateRow {
  model: string | null;
  dimensions: number | null;
  target_model: string | null;
  target_dimensions: number | null;
  reindex_started_at: Date | null;
  reindexed_at: Date | null;
}

/** A vector as pgvector's text form; finite numbers only (NaN would poison every distance). */
export function vectorLiteral(v: readonly number[]): string {
  for (const x of v) if (!Number.isFinite(x)) throw new RangeError('embedding holds a non-finite number');
  return `[${v.join(',')}]`;
}

/** knowledge.chunks, their vectors (knowledge.chunk_embeddings) and knowledge.index_state. */
@Injectable()
export class ChunksRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Replaces an entry's chunks (their vectors go with them) and marks the entry not embedded:
   * its tsvectors answer full-text search at once, the embeddings job adds the vectors.
   */
  async replace(
    propertyId: string,
    entryId: string,
    chunks: ChunkWrite[],
    keywords: string[],
    language: string,
  ): Promise<void> {
    const m = this.db.manager;
    await m.query('delete from knowledge.chunks where property_id = $1 and entry_id = $2', [
      propertyId,
      entryId,
    ]);
    await m.query(
      `update knowledge.entries set embedded_model = null, embedded_dimensions = null, embedded_at = null
        where property_id = $1 and id = $2`,
      [propertyId, entryId],
    );
    if (chunks.length === 0) return;
    await m.query(
      `insert into knowledge.chunks (property_id, entry_id, ordinal, heading, content, token_estimate, keywords,
              search_config)
       select $1, $2, c.ordinal - 1, c.heading, c.content, c.tokens, $6, knowledge.search_config($7)
         from unnest($3::text[], $4::text[], $5::int[]) with ordinality as c(heading, content, tokens, ordinal)`,
      [
        propertyId,
        entryId,
        chunks.map((c) => c.heading),
        chunks.map((c) => c.content),
        chunks.map((c) => c.tokenEstimate),
        keywords.join(' '),
        language,
      ],
    );
  }

  /**
   * Chunks without a vector of `m` (of one entry, or of the whole property), oldest first, with
   * the text to embed: the chunk and its entry's keywords, so a keyword is found by meaning too.
   */
  pending(propertyId: string, m: EmbeddingModel, limit: number, entryId?: string): Promise<PendingChunk[]> {
    return rowsOf<PendingChunk>(
      this.db.manager.query(
        `select c.id, c.entry_id,
                c.content || case when c.keywords <> '' then E'\n\n' || c.keywords else '' end as content
           from knowledge.chunks c
          where c.property_id = $1 and ($5::uuid is null or c.entry_id = $5)
            and not exists (select 1 from knowledge.chunk_embeddings e
                             where e.property_id = c.property_id and e.model = $2 and e.dimensions = $3
                               and e.chunk_id = c.id)
          order by c.id limit $4`,
        [propertyId, m.model, m.dimensions, limit, entryId ?? null],
      ),
    );
  }

  /** Stores vectors; a chunk replaced meanwhile (gone) or already embedded is skipped. */
  async store(propertyId: string, m: EmbeddingModel, vectors: { chunkId: string; vector: number[] }[]) {
    if (vectors.length === 0) return;
    await this.db.manager.query(
      `insert into knowledge.chunk_embeddings (property_id, chunk_id, model, dimensions, embedding)
       select $1, c.id, $2, $3, v.embedding::vector
         from unnest($4::uuid[], $5::text[]) as v(chunk_id, embedding)
         join knowledge.chunks c on c.property_id = $1 and c.id = v.chunk_id
       on conflict do nothing`,
      [
        propertyId,
        m.model,
        m.dimensions,
        vectors.map((v) => v.chunkId),
        vectors.map((v) => vectorLiteral(v.vector)),
      ],
    );
  }

  /** Marks entries (all, or the given ones) whose every chunk has a vector of `m` as embedded with it. */
  async markEmbedded(propertyId: string, m: EmbeddingModel, entryIds?: string[]): Promise<number> {
    const rows = await rowsOf(
      this.db.manager.query(
        `update knowledge.entries en
            set embedded_model = $2, embedded_dimensions = $3, embedded_at = now()
          where en.property_id = $1 and ($4::uuid[] is null or en.id = any($4::uuid[]))
            and (en.embedded_model is distinct from $2 or en.embedded_dimensions is distinct from $3)
            and not exists (
              select 1 from knowledge.chunks c
               where c.property_id = en.property_id and c.entry_id = en.id
                 and not exists (select 1 from knowledge.chunk_embeddings e
                                  where e.property_id = c.property_id and e.model = $2 and e.dimensions = $3
                                    and e.chunk_id = c.id))
          returning en.id`,
        [propertyId, m.model, m.dimensions, entryIds ?? null],
      ),
    );
    return rows.length;
  }

  /** Drops the vectors of every model but `keep`. */
  async dropOtherModels(propertyId: string, keep: EmbeddingModel): Promise<void> {
    await this.db.manager.query(
      `delete from knowledge.chunk_embeddings
        where property_id = $1 and (model, dimensions) <> ($2, $3)`,
      [propertyId, keep.model, keep.dimensions],
    );
  }

  async state(propertyId: string): Promise<IndexStateRow | undefined> {
    const rows = await rowsOf<IndexStateRow>(
      this.db.manager.query(
        `select model, dimensions, target_model, target_dimensions, reindex_started_at, reindexed_at
           from knowledge.index_state where property_id = $1`,
        [propertyId],
      ),
    );
    return rows[0];
  }

  /** A property's first vectors: search uses the model they are made with. */
  async ensureState(propertyId: string, m: EmbeddingModel): Promise<IndexStateRow> {
    await this.db.manager.query(
      `insert into knowledge.index_state (property_id, model, dimensions, reindexed_at)
       values ($1, $2, $3, now()) on conflict (property_id) do nothing`,
      [propertyId, m.model, m.dimensions],
    );
    return (await this.state(propertyId))!;
  }

  /** Records that vectors of `target` are being built (search stays on the current model). */
  async startReindex(propertyId: string, target: EmbeddingModel): Promise<void> {
    await this.db.manager.query(
      `insert into knowledge.index_state (property_id, target_model, target_dimensions, reindex_started_at)
       values ($1, $2, $3, now())
       on conflict (property_id) do update
          set target_model = excluded.target_model, target_dimensions = excluded.target_dimensions,
              reindex_started_at = excluded.reindex_started_at`,
      [propertyId, target.model, target.dimensions],
    );
  }

  /** Search switches to `m`: every chunk has its vector. */
  async completeReindex(propertyId: string, m: EmbeddingModel): Promise<void> {
    await this.db.manager.query(
      `insert into knowledge.index_state (property_id, model, dimensions, reindexed_at)
       values ($1, $2, $3, now())
       on conflict (property_id) do update
          set model = excluded.model, dimensions = excluded.dimensions, target_model = null,
              target_dimensions = null, reindexed_at = now()`,
      [propertyId, m.model, m.dimensions],
    );
  }

  /** Serializes whole-property index work (until the transaction ends). */
  async lockProperty(propertyId: string): Promise<void> {
    await this.db.manager.query(
      `select pg_advisory_xact_lock(hashtextextended('knowledge-index:' || $1, 0))`,
      [propertyId],
    );
  }

  /** How many chunks the property has (which vector search plan fits it). */
  async count(propertyId: string): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      this.db.manager.query('select count(*)::int as n from knowledge.chunks where property_id = $1', [
        propertyId,
      ]),
    );
    return rows[0].n;
  }
}
