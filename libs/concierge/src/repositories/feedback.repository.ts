import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export type FeedbackRating = 'helpful' | 'unhelpful';

export interface FeedbackRow {
  id: string;
  message_id: string;
  conversation_id: string;
  rating: FeedbackRating;
  correction: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const FIELDS = 'id, message_id, conversation_id, rating, correction, created_by, created_at, updated_at';

/** concierge.feedback: one staff rating per AI reply, the latest word standing. */
@Injectable()
export class FeedbackRepository {
  constructor(private readonly db: TenantDb) {}

  async find(propertyId: string, messageId: string): Promise<FeedbackRow | undefined> {
    const rows = await rowsOf<FeedbackRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.feedback where property_id = $1 and message_id = $2`,
        [propertyId, messageId],
      ),
    );
    return rows[0];
  }

  /** Rates a reply, or rates it again: the rating, correction and rater are replaced. */
  async save(
    propertyId: string,
    f: { messageId: string; conversationId: string; rating: FeedbackRating; correction: string | null },
    userId: string,
  ): Promise<FeedbackRow> {
    const rows = await rowsOf<FeedbackRow>(
      this.db.manager.query(
        `insert into concierge.feedback (property_id, message_id, conversation_id, rating, correction, created_by)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (property_id, message_id)
           do update set rating = excluded.rating, correction = excluded.correction, created_by = excluded.created_by
         returning ${FIELDS}`,
        [propertyId, f.messageId, f.conversationId, f.rating, f.correction, userId],
      ),
    );
    return rows[0];
  }
}
