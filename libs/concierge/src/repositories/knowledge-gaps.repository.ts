import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export type GapSource = 'no_knowledge' | 'unhelpful';
export type GapStatus = 'open' | 'drafted' | 'dismissed';

/** One time a guest asked: their words, where, and why it counts (an escalation or a rating). */
export interface GapExample {
  messageId: string;
  conversationId: string;
  text: string;
  source: GapSource;
  at: string;
  terms: string[];
}

export interface GapRow {
  id: string;
  question: string;
  language: string;
  terms: string[];
  occurrences: number;
  examples: GapExample[];
  answer: string | null;
  status: GapStatus;
  entry_id: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

const FIELDS = `id, question, language, terms, occurrences, examples, answer, status, entry_id, first_seen_at,
  last_seen_at`;

/** concierge.knowledge_gaps: questions the knowledge could not answer, similar ones together. */
@Injectable()
export class KnowledgeGapsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Gaps a new question may join: open or drafted (the entry is not live yet), latest first. */
  candidates(propertyId: string, limit: number): Promise<GapRow[]> {
    return rowsOf<GapRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.knowledge_gaps
          where property_id = $1 and status in ('open', 'drafted')
          order by last_seen_at desc, id desc limit $2`,
        [propertyId, limit],
      ),
    );
  }

  async insert(
    propertyId: string,
    g: { question: string; language: string; terms: string[]; example: GapExample; answer: string | null },
  ): Promise<string> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into concierge.knowledge_gaps (property_id, question, language, terms, examples, answer)
         values ($1, $2, $3, $4, $5, $6) returning id`,
        [propertyId, g.question, g.language, g.terms, JSON.stringify([g.example]), g.answer],
      ),
    );
    return rows[0].id;
  }

  /** One more time asked: the examples kept (newest first) and the answer, when one is given. */
  async recordOccurrence(
    propertyId: string,
    id: string,
    examples: GapExample[],
    answer: string | null,
  ): Promise<void> {
    await this.db.manager.query(
      `update concierge.knowledge_gaps
          set occurrences = occurrences + 1, last_seen_at = now(), examples = $3, answer = coalesce($4, answer)
        where property_id = $1 and id = $2`,
      [propertyId, id, JSON.stringify(examples), answer],
    );
  }

  /** A time asked taken back (the rating changed): one occurrence less, dismissed when none is left. */
  async retractOccurrence(
    propertyId: string,
    id: string,
    examples: GapExample[],
    answer: string | null,
  ): Promise<void> {
    await this.db.manager.query(
      `update concierge.knowledge_gaps
          set occurrences = greatest(occurrences - 1, 1), examples = $3, answer = $4,
              status = case when occurrences <= 1 and status = 'open' then 'dismissed' else status end
        where property_id = $1 and id = $2`,
      [propertyId, id, JSON.stringify(examples), answer],
    );
  }

  async setAnswer(propertyId: string, id: string, answer: string): Promise<void> {
    await this.db.manager.query(
      `update concierge.knowledge_gaps set answer = $3 where property_id = $1 and id = $2`,
      [propertyId, id, answer],
    );
  }

  /** The gap (any status) that keeps this guest message as an example, for the given reason. */
  async withExample(propertyId: string, messageId: string, source: GapSource): Promise<GapRow | undefined> {
    const rows = await rowsOf<GapRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.knowledge_gaps
          where property_id = $1 and examples @> $2::jsonb
          order by last_seen_at desc limit 1`,
        [propertyId, JSON.stringify([{ messageId, source }])],
      ),
    );
    return rows[0];
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<GapRow | undefined> {
    const rows = await rowsOf<GapRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.knowledge_gaps where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** Most asked first, then most recently asked. */
  list(propertyId: string, status: GapStatus | null, limit: number): Promise<GapRow[]> {
    return rowsOf<GapRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.knowledge_gaps
          where property_id = $1 and ($2::text is null or status = $2)
          order by occurrences desc, last_seen_at desc, id desc limit $3`,
        [propertyId, status, limit],
      ),
    );
  }

  async countOpen(propertyId: string): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      this.db.manager.query(
        `select count(*)::int as n from concierge.knowledge_gaps where property_id = $1 and status = 'open'`,
        [propertyId],
      ),
    );
    return rows[0]?.n ?? 0;
  }

  async close(
    propertyId: string,
    id: string,
    to: { status: 'drafted'; entryId: string; answer: string | null } | { status: 'dismissed' },
  ): Promise<void> {
    await this.db.manager.query(
      `update concierge.knowledge_gaps set status = $3, entry_id = coalesce($4, entry_id), answer = coalesce($5, answer)
        where property_id = $1 and id = $2`,
      [
        propertyId,
        id,
        to.status,
        to.status === 'drafted' ? to.entryId : null,
        to.status === 'drafted' ? to.answer : null,
      ],
    );
  }
}
