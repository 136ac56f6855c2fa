import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IntentScoreDto {
  @ApiProperty({ example: 'request.towels' }) intent: string;
  @ApiProperty({ example: 0.91 }) confidence: number;
}

export class ToolCallDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'search_knowledge' }) name: string;
  @ApiPropertyOptional({ nullable: true }) input: unknown;
  @ApiPropertyOptional({ nullable: true }) output: unknown;
  @ApiProperty({ enum: ['completed', 'failed', 'refused'] }) status: string;
  @ApiProperty({ nullable: true }) error: string | null;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** Why the concierge did what it did with one guest message. */
export class DecisionTraceDto {
  @ApiProperty() id: string;
  @ApiProperty() messageId: string;
  @ApiProperty() conversationId: string;
  @ApiProperty({ example: 'es' }) language: string;
  @ApiProperty({ enum: ['detected', 'conversation', 'guest', 'property'] }) languageSource: string;
  @ApiProperty({ example: 'request.towels' }) intent: string;
  @ApiProperty() confidence: number;
  @ApiProperty({ type: [IntentScoreDto], description: 'The next best intents.' })
  alternatives: IntentScoreDto[];
  @ApiProperty({ example: { room: '204', items: [{ item: 'towel', quantity: 2 }] } }) entities: Record<
    string,
    unknown
  >;
  @ApiProperty({ enum: ['negative', 'neutral', 'positive'] }) sentiment: string;
  @ApiProperty({ description: 'Knowledge passages found, with scores.' }) knowledgeHits: unknown[];
  @ApiProperty({ description: 'What was known of the guest and stay.' }) memoryHits: unknown[];
  @ApiProperty({ nullable: true, description: 'Whether the knowledge answered (inquiries).' })
  knowledgeAnswered: boolean | null;
  @ApiProperty({ type: [ToolCallDto] }) toolCalls: ToolCallDto[];
  @ApiProperty({ description: 'The policy rule that decided.', example: 'task_l2' }) rule: string;
  @ApiProperty({ enum: ['auto_replied', 'task_created', 'queued_for_approval', 'escalated', 'ignored'] })
  outcome: string;
  @ApiProperty({ nullable: true, description: 'Why it was escalated.' }) reason: string | null;
  @ApiProperty({ nullable: true }) department: string | null;
  @ApiProperty({ example: 'builtin' }) engine: string;
  @ApiProperty({ nullable: true }) model: string | null;
  @ApiProperty({
    nullable: true,
    description:
      'Why the LLM engine did not decide (timeout, error, open circuit breaker) and the builtin engine did.',
  })
  fallback: string | null;
  @ApiProperty({ description: 'Milliseconds per stage.', example: { understand: 0.4, total: 12.1 } })
  latencies: Record<string, number>;
  @ApiProperty({ description: 'What was redacted before anything left for an external model.' })
  redactions: unknown[];
  @ApiProperty({ nullable: true }) replyMessageId: string | null;
  @ApiProperty({ nullable: true }) taskId: string | null;
  @ApiProperty({ nullable: true }) approvalId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
