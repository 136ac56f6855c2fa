import { type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type DecisionTraceDto } from '../dtos/trace.dto';
import { TraceNotFoundException } from '../exceptions/concierge.exceptions';
import { ToolCallsRepository } from '../repositories/tool-calls.repository';
import { TracesRepository } from '../repositories/traces.repository';

/** Decision traces as staff read them. */
@Injectable()
export class DecisionTracesService {
  constructor(
    private readonly traces: TracesRepository,
    private readonly toolCalls: ToolCallsRepository,
  ) {}

  async get(access: PropertyAccess, conversationId: string, messageId: string): Promise<DecisionTraceDto> {
    const t = await this.traces.findByMessage(access.propertyId, messageId);
    if (!t || t.conversation_id !== conversationId) throw new TraceNotFoundException();
    const calls = await this.toolCalls.forMessage(access.propertyId, messageId);
    return {
      id: t.id,
      messageId: t.message_id,
      conversationId: t.conversation_id,
      language: t.language,
      languageSource: t.language_source,
      intent: t.intent,
      confidence: Number(t.confidence),
      alternatives: t.alternatives,
      entities: t.entities,
      sentiment: t.sentiment,
      knowledgeHits: t.knowledge_hits,
      memoryHits: t.memory_hits,
      knowledgeAnswered: t.knowledge_answered,
      toolCalls: calls.map((c) => ({
        id: c.id,
        name: c.tool_name,
        input: c.input,
        output: c.output,
        status: c.status,
        error: c.error,
        latencyMs: c.latency_ms,
        createdAt: c.created_at.toISOString(),
      })),
      rule: t.rule,
      outcome: t.outcome,
      reason: t.reason,
      department: t.department,
      engine: t.engine,
      model: t.model,
      fallback: t.fallback,
      latencies: t.latencies,
      redactions: t.redactions,
      replyMessageId: t.reply_message_id,
      taskId: t.task_id,
      approvalId: t.approval_id,
      createdAt: t.created_at.toISOString(),
    };
  }
}
