import { ConversationGateway, type ConversationPriority, type InboundContext } from '@app/conversation';
import { type GuestProfile } from '@app/guest';
import { type DeskTaskRequest, TaskDesk } from '@app/operations';
import { OutboxService, TenantDb } from '@app/platform';
import { type Stay } from '@app/reservation';
import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

import { BuiltinEngine, type Understanding } from '../engine/builtin/builtin-engine';
import { departmentName, type LineKey, type WordingLanguage } from '../engine/builtin/wording';
import { type IntentDefinition, type Priority } from '../engine/intent-taxonomy';
import { type ApprovalProposal, ApprovalsRepository } from '../repositories/approvals.repository';
import { type AiPolicy } from './ai-policy';
import { KnowledgeGaps } from './knowledge-gaps';
import { type Decision, type ReplyKind } from './policy-decision';

/** Everything the concierge knows when it acts on a message. */
export interface Situation {
  ctx: InboundContext;
  understood: Understanding;
  definition: IntentDefinition;
  decision: Decision;
  policy: AiPolicy;
  property: { name: string; language: string; timezone: string };
  guest: GuestProfile | null;
  stay: Stay | null;
  /** The knowledge's answer to an inquiry, when it had one (or the LLM engine's answer). */
  answer: string | null;
  /** The LLM engine's own words for a reply (small talk, the reservation), used instead of the fixed lines. */
  text?: string | null;
  /** The concierge clock's now, and its date at the property. */
  now: Date;
  today: string;
}

export interface Acted {
  replyMessageId: string | null;
  taskId: string | null;
  approvalId: string | null;
}

/** The intents of the concierge's own messages; a holding line is never sent twice in a row. */
export const HOLDING_INTENT = 'concierge.holding';
const MESSAGE_INTENT: Record<ReplyKind, string> = {
  answer: 'concierge.answer',
  reservation: 'concierge.answer',
  social: 'concierge.social',
  confirmation: 'concierge.confirmation',
  holding: HOLDING_INTENT,
  identity: HOLDING_INTENT,
  no_answer: HOLDING_INTENT,
  emergency: 'concierge.emergency',
};

const SOCIAL_LINE: Record<string, LineKey> = {
  'social.greeting': 'greeting',
  'social.thanks': 'thanks',
  'social.farewell': 'farewell',
  'feedback.compliment': 'compliment',
};

const CONVERSATION_PRIORITY: Record<Priority, ConversationPriority> = {
  urgent: 'urgent',
  high: 'high',
  standard: 'normal',
  low: 'low',
};

/** Carries out a decision: the task, the approval, the escalation and what the guest is told. */
@Injectable()
export class ConciergeActions {
  constructor(
    private readonly db: TenantDb,
    private readonly gateway: ConversationGateway,
    private readonly desk: TaskDesk,
    private readonly approvals: ApprovalsRepository,
    private readonly outbox: OutboxService,
    private readonly engine: BuiltinEngine,
    private readonly gaps: KnowledgeGaps,
  ) {}

  /**
   * The task, the approval, the escalation and the reply do not read what one another write: they
   * are asked for together, so on the pipelined connection their statements leave in one write
   * (in this order) and one wait covers them all.
   */
  async perform(s: Situation): Promise<Acted> {
    const d = s.decision;
    const language = this.engine.replyLanguage(s.understood.language.language, s.property.language);
    const room = s.stay?.roomNumber ?? s.understood.entities.room ?? null;
    const task = d.task ? this.taskRequest(s, room) : null;
    const [taskId, approvalId, , replyMessageId] = await Promise.all([
      d.outcome === 'task_created' && task ? this.desk.create(task) : null,
      d.approval ? this.propose(s, language, room, task) : null,
      d.outcome === 'escalated' ? this.escalate(s) : null,
      d.reply ? this.reply(s, d.reply, language, room) : null,
    ]);
    return { taskId, approvalId, replyMessageId };
  }

  private async escalate(s: Situation): Promise<void> {
    const d = s.decision;
    await this.gateway.escalate(s.ctx.conversationId, {
      priority: CONVERSATION_PRIORITY[d.priority],
      reason: d.reason ?? d.rule,
      department: d.department ?? s.definition.department,
      intent: s.understood.intent,
      messageId: s.ctx.messageId,
    });
    // A question the knowledge could not answer: counted into a knowledge gap for curators.
    if (d.reason === 'no_knowledge')
      await this.gaps.noteUnanswered(this.db.propertyId, {
        messageId: s.ctx.messageId,
        conversationId: s.ctx.conversationId,
        question: s.ctx.content,
        language: s.understood.language.language,
        source: 'no_knowledge',
      });
  }

  /** What the guest is told, unless it would be a second holding line in a row; its message id. */
  private async reply(
    s: Situation,
    kind: ReplyKind,
    language: WordingLanguage,
    room: string | null,
  ): Promise<string | null> {
    const intent = MESSAGE_INTENT[kind];
    // Waiting guests hear it once: no second holding line in a row.
    const repeatHold = intent === HOLDING_INTENT && s.ctx.lastOutboundIntent === HOLDING_INTENT;
    const text = repeatHold ? null : this.compose(kind, s, language, room);
    if (!text) return null;
    return this.gateway.send(s.ctx.conversationId, { content: text, intent, senderType: 'ai' });
  }

  /** The text of a reply of the given kind, in the reply language. */
  compose(kind: ReplyKind, s: Situation, language: WordingLanguage, room: string | null): string | null {
    const overrides = s.policy.wording;
    const department = departmentName(language, s.decision.department ?? s.definition.department);
    const say = (key: LineKey, values: Record<string, string> = {}) =>
      this.engine.line(language, key, { hotel: s.property.name, department, ...values }, overrides);
    switch (kind) {
      case 'answer':
        return s.answer;
      case 'reservation':
        if (s.text) return s.text;
        return s.stay
          ? say('reservation', {
              confirmation: s.stay.confirmationNumber,
              arrival: s.stay.arrivalDate,
              departure: s.stay.departureDate,
              roomType: s.stay.roomType,
            })
          : null;
      case 'social':
        return s.text ?? say(SOCIAL_LINE[s.understood.intent] ?? 'greeting');
      case 'confirmation':
        return this.engine.confirmation(
          language,
          s.understood.intent,
          s.definition,
          s.understood.entities,
          room,
          overrides,
        );
      case 'holding':
        return say('holding');
      case 'identity':
        return say('identity');
      case 'no_answer':
        return say('noAnswer');
      case 'emergency':
        return say('emergency', { emergencyNumber: s.policy.emergencyNumber });
    }
  }

  private async propose(
    s: Situation,
    language: WordingLanguage,
    room: string | null,
    task: DeskTaskRequest | null,
  ): Promise<string> {
    const d = s.decision;
    const content = d.proposed ? this.compose(d.proposed, s, language, room) : null;
    const proposal: ApprovalProposal = {
      reply: content ? { content, language, intent: MESSAGE_INTENT[d.proposed!] } : null,
      task: task && {
        type: task.type,
        department: task.department,
        roomNumber: task.roomNumber,
        description: task.description,
        items: task.items,
        priority: task.priority,
        dueAt: task.dueAt,
        reservationId: task.reservationId,
      },
      guestMessage: s.ctx.content,
      language: s.understood.language.language,
    };
    const id = await this.approvals.insert(this.db.propertyId, {
      conversationId: s.ctx.conversationId,
      messageId: s.ctx.messageId,
      guestId: s.ctx.guestId,
      kind: d.approval!,
      actionType: d.approval === 'task' ? s.definition.action : 'reply',
      intent: s.understood.intent,
      department: s.definition.department,
      reason: d.rule,
      proposal,
    });
    await this.outbox.publishEvent('approval.created', {
      approvalId: id,
      conversationId: s.ctx.conversationId,
      department: s.definition.department,
    });
    return id;
  }

  private taskRequest(s: Situation, room: string | null): DeskTaskRequest {
    const { entities } = s.understood;
    const quoted = s.ctx.content.length > 500 ? `${s.ctx.content.slice(0, 497)}…` : s.ctx.content;
    return {
      type: s.understood.intent.replace(/^request\./, ''),
      department: s.definition.department,
      roomNumber: room,
      description: `${s.definition.description} Guest wrote: “${quoted}”`,
      items: entities.items ?? [],
      priority: s.decision.priority,
      dueAt: dueAt(s, entities.time, entities.date),
      guestId: s.ctx.guestId,
      reservationId: s.stay?.reservationId ?? null,
      conversationId: s.ctx.conversationId,
      messageId: s.ctx.messageId,
    };
  }
}

/**
 * When a task is due: at the time the guest asked for (today, or the date they named; a time
 * already past today means tomorrow), else the intent's usual delay from now.
 */
function dueAt(s: Situation, time: string | undefined, date: string | undefined): string {
  if (time) {
    const [hour, minute] = time.split(':').map(Number);
    let at = DateTime.fromISO(date ?? s.today, { zone: s.property.timezone }).set({ hour, minute });
    if (!date && at.toMillis() < s.now.getTime()) at = at.plus({ days: 1 });
    if (at.isValid) return at.toUTC().toISO();
  }
  return new Date(s.now.getTime() + (s.definition.dueMinutes ?? 60) * 60_000).toISOString();
}
