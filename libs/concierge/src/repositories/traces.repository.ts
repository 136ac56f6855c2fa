import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface TraceWrite {
  messageId: string;
  conversationId: string;
  guestId: string | null;
  reservationId: string | null;
  language: string;
  languageSource: string;
  intent: string;
  confidence: number;
  alternatives: { intent: string; confidence: number }[];
  entities: Record<string, unknown>;
  sentiment: string;
  knowledgeHits: unknown[];
  memoryHits: unknown[];
  knowledgeAnswered: boolean | null;
  rule: string;
  outcome: string;
  reason: string | null;
  department: string | null;
  engine: string;
  model: string | null;
  /** Why the LLM engine did not decide (the builtin engine did), when it should have. */
  fallback: string | null;
  latencies: Record<string, number>;
  redactions: unknown[];
  replyMessageId: string | null;
  taskId: string | null;
  approvalId: string | null;
  receivedAt: Date;
}

export interface TraceRow {
  id: string;
  message_id: string;
  conversation_id: string;
  guest_id: string | null;
  reservation_id: string | null;
  language: string;
  language_source: string;
  intent: string;
  confidence: string;
  alternatives: { intent: string; confidence: number }[];
  entities: Record<string, unknown>;
  sentiment: string;
  knowledge_hits: unknown[];
  memory_hits: unknown[];
  knowledge_answered: boolean | null;
  rule: string;
  outcome: string;
  reason: string | null;
  department: string | null;
  engine: string;
  model: string | null;
  fallback: string | null;
  latencies: Record<string, number>;
  redactions: unknown[];
  reply_message_id: string | null;
  task_id: string | null;
  approval_id: string | null;
  received_at: Date | null;
  created_at: Date;
}

const FIELDS = `id, message_id, conversation_id, guest_id, reservation_id, language, language_source, intent, confidence,
  alternatives, entities, sentiment, knowledge_hits, memory_hits, knowledge_answered, rule, outcome, reason, department,
  engine, model, fallback, latencies, redactions, reply_message_id, task_id, approval_id, received_at, created_at`;

/** concierge.decision_traces: one per processed guest message. */
@Injectable()
export class TracesRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Takes the message's pipeline lock (until the transaction ends), then says whether it is still
   * undecided (no trace), in one round trip.
   */
  async lockMessage(propertyId: string, messageId: string): Promise<boolean> {
    const rows = await rowsOf<{ undecided: boolean }>(
      this.db.manager.query('select concierge.lock_message($1, $2) as undecided', [propertyId, messageId]),
    );
    return rows[0].undecided;
  }

  /** Writes the trace under the id given (the caller's, so that it need not wait for the answer). */
  async insert(propertyId: string, id: string, t: TraceWrite): Promise<void> {
    await this.db.manager.query(
      `insert into concierge.decision_traces (property_id, message_id, conversation_id, guest_id, reservation_id,
                language, language_source, intent, confidence, alternatives, entities, sentiment, knowledge_hits,
                memory_hits, knowledge_answered, rule, outcome, reason, department, engine, model, latencies,
                redactions, reply_message_id, task_id, approval_id, received_at, fallback, id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                 $22, $23, $24, $25, $26, $27, $28, $29)`,
      [
        propertyId,
        t.messageId,
        t.conversationId,
        t.guestId,
        t.reservationId,
        t.language,
        t.languageSource,
        t.intent,
        Math.round(t.confidence * 1000) / 1000,
        JSON.stringify(t.alternatives),
        JSON.stringify(t.entities),
        t.sentiment,
        JSON.stringify(t.knowledgeHits),
        JSON.stringify(t.memoryHits),
        t.knowledgeAnswered,
        t.rule,
        t.outcome,
        t.reason,
        t.department,
        t.engine,
        t.model,
        JSON.stringify(t.latencies),
        JSON.stringify(t.redactions),
        t.replyMessageId,
        t.taskId,
        t.approvalId,
        t.receivedAt,
        t.fallback?.slice(0, 500) ?? null,
        id,
      ],
    );
  }

  async findByMessage(propertyId: string, messageId: string): Promise<TraceRow | undefined> {
    const rows = await rowsOf<TraceRow>(
      this.db.manager.query(
        `select ${FIELDS} from concierge.decision_traces where property_id = $1 and message_id = $2`,
        [propertyId, messageId],
      ),
    );
    return rows[0];
  }

  /** Earlier messages of the conversation understood as this intent within the window. */
  async countSameIntent(
    propertyId: string,
    conversationId: string,
    intent: string,
    withinHours: number,
  ): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      this.db.manager.query(
        `select count(*)::int as n from concierge.decision_traces
          where property_id = $1 and conversation_id = $2 and intent = $3
            and created_at > now() - make_interval(hours => $4)`,
        [propertyId, conversationId, intent, withinHours],
      ),
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * The language and decision of a guest message of the conversation: the one given, or the one
   * whose trace sent the given AI reply.
   */
  async brief(
    propertyId: string,
    conversationId: string,
    of: { messageId: string } | { replyMessageId: string },
  ): Promise<Pick<TraceRow, 'message_id' | 'language' | 'reason'> | undefined> {
    const column = 'messageId' in of ? 'message_id' : 'reply_message_id';
    const rows = await rowsOf<Pick<TraceRow, 'message_id' | 'language' | 'reason'>>(
      this.db.manager.query(
        `select message_id, language, reason from concierge.decision_traces
          where property_id = $1 and conversation_id = $2 and ${column} = $3`,
        [propertyId, conversationId, 'messageId' in of ? of.messageId : of.replyMessageId],
      ),
    );
    return rows[0];
  }
}
