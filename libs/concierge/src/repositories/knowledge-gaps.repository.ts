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

  /** The gap (any status) that counted this guest message, and why; undefined when none did. */
  async countedIn(
    propertyId: string,
    messageId: string,
  ): Promise<{ gapId: string; source: GapSource } | undefined> {
    const rows = await rowsOf<{ gap_id: string; source: GapSource }>(
      this.db.manager.query(
        `select gap_id, source from concierge.knowledge_gap_questions where property_id = $1 and message_id = $2`,
        [propertyId, messageId],
      ),
    );
    return rows[0] && { gapId: rows[0].gap_id, source: rows[0].source };
  }

  /** Records that the gap counted this guest message (once per message). */
  async addQuestion(propertyId: string, messageId: string, source: GapSource, gapId: string): Promise<void> {
    await this.db.manager.query(
      `insert into concierge.knowledge_gap_questions (property_id, message_id, source, gap_id)
       values ($1, $2, $3, $4)`,
      [propertyId, messageId, source, gapId],
    );
  }

  /** Forgets that the message was counted for `source`; the gap that had counted it, if any. */
  async removeQuestion(
    propertyId: string,
    messageId: string,
    source: GapSource,
  ): Promise<string | undefined> {
    const rows = await rowsOf<{ gap_id: string }>(
      this.db.manager.query(
        `delete from concierge.knowledge_gap_questions
          where property_id = $1 and message_id = $2 and source = $3
          returning gap_id`,
        [propertyId, messageId, source],
      ),
    );
    return rows[0]?.gap_id;
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
