import { performance } from 'node:perf_hooks';

import { ConversationGateway, type InboundContext } from '@app/conversation';
import { GuestDirectory, type GuestProfile } from '@app/guest';
import { KnowledgeAskService } from '@app/knowledge';
import { TenantDb } from '@app/platform';
import { type Stay, StayLookup } from '@app/reservation';
import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';

import { BuiltinEngine, type Understanding } from '../engine/builtin/builtin-engine';
import { knowledgeHint } from '../engine/builtin/knowledge-hints';
import { intentOf } from '../engine/intent-taxonomy';
import { TracesRepository } from '../repositories/traces.repository';
import { type AiPolicy, isVip } from './ai-policy';
import { AiPolicyService, type ConciergeProperty } from './ai-policy.service';
import { ConciergeActions, type Situation } from './concierge-actions';
import { ConciergeClock } from './concierge-clock';
import { decide, type Decision, escalate, type Outcome } from './policy-decision';

/** Repetitions of one intent count within this window. */
const REPEAT_WINDOW_HOURS = 24;

export interface ProcessResult {
  outcome: Outcome;
  rule: string;
  traceId: string;
}

/**
 * The concierge pipeline for one guest message: staff win (paused AI, a recent staff reply) →
 * language → intent and entities → knowledge, guest and stay → the policy's decision → act
 * (reply, task, approval, escalation) → decision trace. Idempotent: the trace's unique message key
 * and a per-message lock make a retried or duplicated job a no-op.
 */
@Injectable()
export class ConciergePipeline {
  private readonly logger = new Logger(ConciergePipeline.name);

  constructor(
    private readonly db: TenantDb,
    private readonly gateway: ConversationGateway,
    private readonly guests: GuestDirectory,
    private readonly stays: StayLookup,
    private readonly knowledge: KnowledgeAskService,
    private readonly policies: AiPolicyService,
    private readonly traces: TracesRepository,
    private readonly engine: BuiltinEngine,
    private readonly actions: ConciergeActions,
    private readonly clock: ConciergeClock,
  ) {}

  /** Processes one message inside the current property transaction; undefined when there is nothing to do. */
  async process(messageId: string): Promise<ProcessResult | undefined> {
    const started = performance.now();
    const propertyId = this.db.propertyId;
    await this.db.manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `concierge:${propertyId}:${messageId}`,
    ]);
    if (await this.traces.exists(propertyId, messageId)) return undefined;
    const ctx = await this.gateway.inbound(messageId);
    if (!ctx) return undefined;
    const { property, policy } = await this.policies.forProperty(propertyId);
    const now = this.clock.now();
    const guest = (await this.guests.profile(ctx.guestId)) ?? null;
    const today = DateTime.fromJSDate(now).setZone(property.timezone).toISODate()!;
    const stays = await this.stays.staysOf(ctx.guestId, today);
    const gathered = performance.now();

    const understood = this.engine.understand(
      ctx.content,
      { conversation: ctx.guestLanguage, guest: guest?.language ?? null, property: property.language },
      property.supported,
      today,
    );
    const understoodAt = performance.now();
    await this.gateway.recordUnderstanding(ctx, {
      language: understood.language.language,
      intent: understood.intent,
      confidence: understood.confidence,
      entities: { ...understood.entities },
    });

    // Staff have the conversation: nothing is looked up or said for them.
    const quiet = this.staffHolds(ctx, policy, property, now.getTime());
    const knowledge = quiet ? null : await this.lookUp(ctx, understood, property, policy);
    const retrieved = performance.now();
    const definition = intentOf(understood.intent);
    const reservationIntent =
      understood.intent.startsWith('request.reservation') ||
      understood.intent === 'inquiry.reservation_status';
    const stay = stays.current ?? (reservationIntent ? stays.next : null);
    const decision: Decision = quiet
      ? quietDecision(quiet, understood.intent)
      : decide(policy, {
          intent: understood.intent,
          definition,
          confidence: understood.confidence,
          sentiment: understood.sentiment,
          identified: stay !== null,
          vip: guest !== null && isVip(policy, guest),
          earlierSameIntent: await this.traces.countSameIntent(
            propertyId,
            ctx.conversationId,
            understood.intent,
            REPEAT_WINDOW_HOURS,
          ),
          answered:
            understood.intent === 'inquiry.reservation_status'
              ? stay !== null
              : (knowledge?.answered ?? null),
        });
    const decided = performance.now();

    const situation: Situation = {
      ctx,
      understood,
      definition,
      decision,
      policy,
      property: { name: property.name, language: property.language, timezone: property.timezone },
      guest,
      stay,
      answer: knowledge?.answered ? knowledge.answer : null,
      now,
      today,
    };
    const acted = await this.actions.perform(situation);
    const done = performance.now();

    const traceId = await this.traces.insert(propertyId, {
      messageId,
      conversationId: ctx.conversationId,
      guestId: ctx.guestId,
      reservationId: stay?.reservationId ?? null,
      language: understood.language.language,
      languageSource: understood.language.source,
      intent: understood.intent,
      confidence: understood.confidence,
      alternatives: understood.alternatives,
      entities: { ...understood.entities },
      sentiment: understood.sentiment,
      knowledgeHits: knowledge?.sources ?? [],
      memoryHits: memoryHits(guest, stay),
      knowledgeAnswered: knowledge ? knowledge.answered : null,
      rule: decision.rule,
      outcome: decision.outcome,
      reason: decision.reason,
      department: definition.department,
      engine: this.engine.name,
      model: this.engine.model,
      latencies: {
        gather: ms(gathered - started),
        understand: ms(understoodAt - gathered),
        retrieve: ms(retrieved - understoodAt),
        decide: ms(decided - retrieved),
        act: ms(done - decided),
        total: ms(performance.now() - started),
      },
      redactions: [],
      replyMessageId: acted.replyMessageId,
      taskId: acted.taskId,
      approvalId: acted.approvalId,
      receivedAt: ctx.receivedAt,
    });
    this.logger.debug(`message ${messageId}: ${understood.intent} → ${decision.outcome} (${decision.rule})`);
    return { outcome: decision.outcome, rule: decision.rule, traceId };
  }

  /** Guest-visible knowledge for an inquiry, searched with the topic's words in the knowledge's language. */
  private async lookUp(
    ctx: InboundContext,
    understood: Understanding,
    property: ConciergeProperty,
    policy: AiPolicy,
  ) {
    const d = intentOf(understood.intent);
    if (d.category !== 'inquiry' || d.restricted || understood.intent === 'inquiry.reservation_status')
      return null;
    if (understood.confidence < policy.confidenceThreshold) return null;
    const hint = knowledgeHint(understood.intent, property.language);
    const question = `${ctx.content} ${hint}`.trim().slice(0, 1000);
    return this.knowledge.ask({ propertyId: this.db.propertyId }, { question, audience: 'guest' });
  }

  /** Why the AI keeps quiet, if it must: staff have the conversation. */
  private staffHolds(
    ctx: InboundContext,
    policy: AiPolicy,
    property: ConciergeProperty,
    now: number,
  ): string | null {
    if (!property.aiEnabled) return 'ai_disabled';
    if (ctx.aiMode === 'paused') return 'ai_paused';
    if (ctx.lastStaffReplyAt && now - ctx.lastStaffReplyAt.getTime() < policy.staffActivityMinutes * 60_000)
      return 'staff_active';
    return null;
  }
}

/**
 * Staff have the conversation: the AI says nothing. An emergency still raises the alarm (the
 * conversation goes urgent) without a word from the AI.
 */
function quietDecision(rule: string, intent: string): Decision {
  if (intent === 'emergency') return { ...escalate('emergency', 'urgent', null), rule: `emergency_${rule}` };
  return {
    outcome: 'ignored',
    rule,
    reason: null,
    priority: 'standard',
    reply: null,
    task: false,
    approval: null,
    proposed: null,
  };
}

/** What the concierge knew of the guest when it decided. */
function memoryHits(guest: GuestProfile | null, stay: Stay | null): unknown[] {
  const hits: unknown[] = [];
  if (stay)
    hits.push({
      kind: 'reservation',
      reservationId: stay.reservationId,
      room: stay.roomNumber,
      status: stay.status,
    });
  if (guest?.vipStatus || guest?.loyaltyTier)
    hits.push({ kind: 'tier', vipStatus: guest.vipStatus, loyaltyTier: guest.loyaltyTier });
  for (const p of guest?.preferences ?? [])
    hits.push({ kind: 'preference', category: p.category, key: p.key, value: p.value });
  return hits.slice(0, 20);
}

const ms = (x: number) => Math.round(x * 10) / 10;
