import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type EmbeddingModel } from '../services/embedding-providers';

export interface HealthEntryRow {
  id: string;
  title: string;
  updated_at: Date;
  valid_until: Date | null;
}

export interface DuplicateRow {
  entry_id: string;
  title: string;
  other_entry_id: string;
  other_title: string;
  similarity: number;
}

const LIST_LIMIT = 100;

/** Read-only queries of the knowledge health report. */
@Injectable()
export class KnowledgeHealthRepository {
  constructor(private readonly db: TenantDb) {}

  stale(propertyId: string, days: number): Promise<HealthEntryRow[]> {
    return rowsOf<HealthEntryRow>(
      this.db.manager.query(
        `select id, title, updated_at, valid_until from knowledge.entries
          where property_id = $1 and status = 'active' and updated_at < now() - make_interval(days => $2)
          order by updated_at, id limit ${LIST_LIMIT}`,
        [propertyId, days],
      ),
    );
  }

  expired(propertyId: string): Promise<HealthEntryRow[]> {
    return rowsOf<HealthEntryRow>(
      this.db.manager.query(
        `select id, title, updated_at, valid_until from knowledge.entries
          where property_id = $1 and status <> 'archived' and valid_until <= now()
          order by valid_until desc, id limit ${LIST_LIMIT}`,
        [propertyId],
      ),
    );
  }

  /**
   * Pairs of non-archived entries whose opening chunks are at least `min` similar (the opening
   * chunk says what an entry is about), plus entries with identical content. Every pair is
   * compared exactly: quadratic, which a hotel's hundreds to few thousand entries afford.
   */
  nearDuplicates(propertyId: string, m: EmbeddingModel, min: number): Promise<DuplicateRow[]> {
    return rowsOf<DuplicateRow>(
      this.db.manager.query(
        `with heads as (
           select en.id, en.title, en.content_sha256, e.embedding
             from knowledge.entries en
             join knowledge.chunks c on c.property_id = en.property_id and c.entry_id = en.id and c.ordinal = 0
             left join knowledge.chunk_embeddings e
               on e.property_id = c.property_id and e.chunk_id = c.id and e.model = $2 and e.dimensions = $3
            where en.property_id = $1 and en.status <> 'archived')
         select a.id as entry_id, a.title, b.id as other_entry_id, b.title as other_title,
                case when a.content_sha256 = b.content_sha256 then 1
                     else 1 - (a.embedding <=> b.embedding) end as similarity
           from heads a
           join heads b on a.id < b.id
          where a.content_sha256 = b.content_sha256
             or (a.embedding is not null and b.embedding is not null and 1 - (a.embedding <=> b.embedding) >= $4)
          order by similarity desc, a.id, b.id limit ${LIST_LIMIT}`,
        [propertyId, m.model, m.dimensions, min],
      ),
    );
  }

  async coverage(propertyId: string, m: EmbeddingModel): Promise<{ entries: number; embedded: number }> {
    const rows = await rowsOf<{ entries: number; embedded: number }>(
      this.db.manager.query(
        `select count(*)::int as entries,
                count(*) filter (where embedded_model = $2 and embedded_dimensions = $3)::int as embedded
           from knowledge.entries where property_id = $1`,
        [propertyId, m.model, m.dimensions],
      ),
    );
    return rows[0];
  }
}
