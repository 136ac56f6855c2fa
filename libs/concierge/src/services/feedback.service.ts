import { ConversationGateway, type ConversationMessage } from '@app/conversation';
import { type PropertyAccess, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type FeedbackDto, type GiveFeedbackDto } from '../dtos/feedback.dto';
import {
  FeedbackNotFoundException,
  MessageNotFoundException,
  NotAnAiReplyException,
} from '../exceptions/concierge.exceptions';
import { FeedbackRepository, type FeedbackRow } from '../repositories/feedback.repository';
import { TracesRepository } from '../repositories/traces.repository';
import { AiPolicyService } from './ai-policy.service';
import { KnowledgeGaps } from './knowledge-gaps';

/** The guest question an AI reply answered. */
interface Question {
  message: ConversationMessage;
  language: string;
  /** Already counted in a gap: it was escalated for lack of knowledge. */
  escalated: boolean;
}

/**
 * Staff ratings of AI replies. An unhelpful one counts the guest's question into a knowledge gap
 * (its correction becoming the gap's answer), in the same transaction; rating it helpful again
 * takes that back.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly db: TenantDb,
    private readonly feedback: FeedbackRepository,
    private readonly gateway: ConversationGateway,
    private readonly traces: TracesRepository,
    private readonly gaps: KnowledgeGaps,
    private readonly policies: AiPolicyService,
  ) {}

  async get(access: PropertyAccess, conversationId: string, messageId: string): Promise<FeedbackDto> {
    await this.aiReply(conversationId, messageId);
    const row = await this.feedback.find(access.propertyId, messageId);
    if (!row) throw new FeedbackNotFoundException();
    return toDto(row);
  }

  async give(
    access: PropertyAccess,
    conversationId: string,
    messageId: string,
    dto: GiveFeedbackDto,
  ): Promise<FeedbackDto> {
    const propertyId = access.propertyId;
    const reply = await this.aiReply(conversationId, messageId);
    // One rating of a reply at a time: the gap counts follow the rating it replaces.
    await this.db.manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `concierge:feedback:${propertyId}:${messageId}`,
    ]);
    const before = await this.feedback.find(propertyId, messageId);
    const correction = dto.correction?.trim() || null;
    const row = await this.feedback.save(
      propertyId,
      { messageId, conversationId, rating: dto.rating, correction },
      access.userId,
    );
    const wasUnhelpful = before?.rating === 'unhelpful';
    if (dto.rating === 'helpful' && !wasUnhelpful) return toDto(row);
    const question = await this.question(propertyId, reply);
    if (!question) return toDto(row);
    const guestMessageId = question.message.id;
    if (dto.rating === 'helpful') await this.gaps.retract(propertyId, guestMessageId, before!.correction);
    else if (question.escalated || wasUnhelpful) {
      if (correction) await this.gaps.answer(propertyId, guestMessageId, correction);
    } else
      await this.gaps.noteUnanswered(propertyId, {
        messageId: guestMessageId,
        conversationId,
        question: question.message.content,
        language: question.language,
        source: 'unhelpful',
        answer: correction,
      });
    return toDto(row);
  }

  /** The message, which must be a reply the AI sent to the guest. */
  private async aiReply(conversationId: string, messageId: string): Promise<ConversationMessage> {
    const m = await this.gateway.message(conversationId, messageId);
    if (!m) throw new MessageNotFoundException();
    if (m.direction !== 'outbound' || m.senderType !== 'ai' || m.internal)
      throw new NotAnAiReplyException(m.internal ? 'staff (an internal note)' : m.senderType);
    return m;
  }

  /**
   * What the guest asked: the message whose decision trace sent this reply, else (a reply sent on
   * approval, a later part of a long reply) the guest's last message before it.
   */
  private async question(propertyId: string, reply: ConversationMessage): Promise<Question | undefined> {
    const byTrace = await this.traces.brief(propertyId, reply.conversationId, { replyMessageId: reply.id });
    const message = byTrace
      ? await this.gateway.message(reply.conversationId, byTrace.message_id)
      : await this.gateway.guestMessageBefore(reply.conversationId, reply.id);
    if (!message) return undefined;
    const trace =
      byTrace ?? (await this.traces.brief(propertyId, reply.conversationId, { messageId: message.id }));
    const language =
      trace?.language ??
      (await this.gateway.conversation(reply.conversationId))?.guestLanguage ??
      (await this.policies.forProperty(propertyId)).property.language;
    return { message, language, escalated: trace?.reason === 'no_knowledge' };
  }
}

function toDto(r: FeedbackRow): FeedbackDto {
  return {
    id: r.id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    rating: r.rating,
    correction: r.correction,
    ratedBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
