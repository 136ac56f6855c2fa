import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface ToolCallRow {
  id: string;
  tool_name: string;
  input: unknown;
  output: unknown;
  status: 'completed' | 'failed' | 'refused';
  error: string | null;
  latency_ms: number;
  created_at: Date;
}

/** concierge.tool_calls: every tool an LLM called for a message. */
@Injectable()
export class ToolCallsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Calls of one message are inserted in the order they were made (clock_timestamp keeps it). */
  async insert(
    propertyId: string,
    c: {
      messageId: string;
      conversationId: string;
      name: string;
      input: unknown;
      output: unknown;
      status: ToolCallRow['status'];
      error: string | null;
      latencyMs: number;
    },
  ): Promise<void> {
    await this.db.manager.query(
      `insert into concierge.tool_calls (property_id, message_id, conversation_id, tool_name, input, output, status,
              error, latency_ms, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp())`,
      [
        propertyId,
        c.messageId,
        c.conversationId,
        c.name,
        JSON.stringify(c.input ?? null),
        JSON.stringify(c.output ?? null),
        c.status,
        c.error,
        Math.max(0, Math.round(c.latencyMs)),
      ],
    );
  }

  forMessage(propertyId: string, messageId: string): Promise<ToolCallRow[]> {
    return rowsOf<ToolCallRow>(
      this.db.manager.query(
        `select id, tool_name, input, output, status, error, latency_ms, created_at from concierge.tool_calls
          where property_id = $1 and message_id = $2 order by created_at, id`,
        [propertyId, messageId],
      ),
    );
  }
}
