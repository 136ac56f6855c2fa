import { performance } from 'node:perf_hooks';

import { type AttachedTo, ConversationGateway, type InboundContext } from '@app/conversation';
import { GuestDirectory, type GuestProfile } from '@app/guest';
import { isEvidence, KnowledgeAskService, KnowledgeSearchService } from '@app/knowledge';
import { AppConfig, localDate, orderedUuidv7, TenantDb } from '@app/platform';
import { type Stay, StayLookup, type Stays } from '@app/reservation';
import { Injectable, Logger } from '@nestjs/common';

import { BuiltinEngine, type Understanding } from '../engine/builtin/builtin-engine';
import { knowledgeHint } from '../engine/builtin/knowledge-hints';
import { intentOf } from '../engine/intent-taxonomy';
import { baseLanguage } from '../engine/language-detector';
import { type ToolCallRecord, type ToolScope } from '../engine/llm/concierge-tools';
import {
  HISTORY_MESSAGES,
  type LlmOutcome,
  LlmUnavailableError,
  OpenAiEngine,
} from '../engine/llm/openai-engine';
import { ToolCallsRepository } from '../repositories/tool-calls.repository';
import { TracesRepository } from '../repositories/traces.repository';
import { type AiPolicy, isVip } from './ai-policy';
import { AiPolicyService, type ConciergeProperty } from './ai-policy.service';
import { ConciergeActions, type Situation } from './concierge-actions';
import { ConciergeClock } from './concierge-clock';
import { llmDecision } from './llm-decision';
import { decide, type Decision, escalate, type Outcome } from './policy-decision';

/** Repetitions of one intent count within this window. */
const REPEAT_WINDOW_HOURS = 24;
/** Decisions the builtin rules take before any LLM is asked: safety first, deterministically. */
const SAFETY_RULES = new Set([
  'emergency',
  'human_request',
  'restricted_topic',
  'negative_sentiment',
  'repeated_question',
  'sensitive_runner_up',
]);
const KNOWLEDGE_PASSAGES = 5;

export interface ProcessResult {
  outcome: Outcome;
  rule: string;
  traceId: string;
}

/** What the concierge gathered about a message in a property transaction. */
interface Gathered {
  ctx: InboundContext;
  property: ConciergeProperty;
  policy: AiPolicy;
  guest: GuestProfile | null;
  stays: Stays;
  now: Date;
  today: string;
  understood: Understanding;
  /** Why the AI keeps quiet (staff have the conversation), if it must. */
  quiet: string | null;
  /** The conversation was opened for this message, in this transaction: it has no earlier traces. */
  opened: boolean;
  started: number;
  marks: Record<string, number>;
}

/** What the LLM step needs, carried out of the first transaction. */
interface LlmPlan {
  g: Gathered;
  /** Ask the model for a reply (not when the builtin rules already decided for safety, or staff hold it). */
  reply: boolean;
  /** Translate the guest's message for staff into this language. */
  translateTo: string | null;
  history: { from: 'guest' | 'ai' | 'staff' | 'system'; content: string }[];
  /** Already decided (by the builtin rules) when the model is not asked for a reply. */
  decided?: ProcessResult;
}

/**
 * The concierge pipeline for one guest message: staff win (paused AI, a recent staff reply) →
 * language → intent and entities → knowledge, guest and stay → the policy's decision → act
 * (reply, task, approval, escalation) → decision trace.
 *
 * With the builtin engine all of it is one property transaction. With the openai engine the
 * builtin rules still run first (safety decisions never wait for a model); then the model is
 * asked outside any transaction, and a second transaction re-reads the conversation (staff may
 * have stepped in meanwhile), decides and acts. Should the model fail, the builtin engine decides
 * in that second transaction and staff get what it cannot answer: no message is lost to an
 * outage. Idempotent: the trace's unique message key, checked under a per-message lock in each
 * transaction, makes a retried or duplicated job a no-op.
 */
@Injectable()
export class ConciergePipeline {
  private readonly logger = new Logger(ConciergePipeline.name);

  constructor(
    private readonly db: TenantDb,
    private readonly config: AppConfig,
    private readonly gateway: ConversationGateway,
    private readonly guests: GuestDirectory,
    private readonly stayLookup: StayLookup,
    private readonly knowledge: KnowledgeAskService,
    private readonly search: KnowledgeSearchService,
    private readonly policies: AiPolicyService,
    private readonly traces: TracesRepository,
    private readonly toolCalls: ToolCallsRepository,
    private readonly engine: BuiltinEngine,
    private readonly llm: OpenAiEngine,
    private readonly actions: ConciergeActions,
    private readonly clock: ConciergeClock,
  ) {}

  /** Processes one message and says what was done, for a job's result. */
  async run(propertyId: string, messageId: string): Promise<string> {
    return describe(await this.process(propertyId, messageId));
  }

  /**
   * The first pass of `run` in the caller's property transaction (one transaction with the
   * attachment of the message, for the inbound job): a description of what was done, or, when
   * the LLM is to be asked, what is left to do outside that transaction.
   */
  async runWithin(
    propertyId: string,
    messageId: string,
    attached?: AttachedTo,
  ): Promise<string | (() => Promise<string>)> {
    const first = await this.db.run({ propertyId }, () => this.firstPass(messageId, attached));
    if (!first || !('g' in first)) return describe(first);
    return async () => describe(await this.rest(propertyId, messageId, first));
  }

  /** Processes one message in property transactions of its own; undefined when there is nothing to do. */
  async process(propertyId: string, messageId: string): Promise<ProcessResult | undefined> {
    const first = await this.db.run({ propertyId }, () => this.firstPass(messageId));
    if (!first || !('g' in first)) return first;
    return this.rest(propertyId, messageId, first);
  }

  /** After the first pass: the model and the translation outside any transaction, then a second one. */
  private async rest(
    propertyId: string,
    messageId: string,
    first: LlmPlan,
  ): Promise<ProcessResult | undefined> {
    const [consulted, translation] = await Promise.all([
      first.reply ? this.consult(propertyId, first) : null,
      first.translateTo
        ? this.llm.translate(first.g.ctx.content, first.translateTo, first.g.understood.language.language)
        : null,
    ]);
    return this.db.run({ propertyId }, async () => {
      // The message's lock first, as in the first transaction (no lock-order deadlock with a duplicate job).
      await this.lock(messageId);
      if (translation)
        await this.gateway.recordTranslation(messageId, {
          language: first.translateTo!,
          content: translation.content,
          engine: `openai:${this.llm.model}`,
        });
      return consulted ? this.secondPass(messageId, first, consulted) : first.decided;
    });
  }

  /**
   * The per-message lock: one pipeline run of a message at a time (held until the transaction
   * ends). True while the message is undecided (no decision trace yet), read after the lock.
   */
  private lock(messageId: string): Promise<boolean> {
    return this.traces.lockMessage(this.db.propertyId, messageId);
  }

  /** Gathers and understands; decides and acts at once unless the LLM is to be asked. */
  private async firstPass(
    messageId: string,
    attached?: AttachedTo,
  ): Promise<ProcessResult | LlmPlan | undefined> {
    const g = await this.gather(messageId, attached);
    if (!g) return undefined;
    // Nothing below reads what this writes: it goes out with the statements that follow.
    const [, next] = await Promise.all([
      this.gateway.recordUnderstanding(g.ctx, {
        language: g.understood.language.language,
        intent: g.understood.intent,
        confidence: g.understood.confidence,
        entities: { ...g.understood.entities },
      }),
      this.afterUnderstanding(g),
    ]);
    return next;
  }

  /** The first pass once the message is understood: decide and act, or plan the model's turn. */
  private async afterUnderstanding(g: Gathered): Promise<ProcessResult | LlmPlan> {
    const engine = g.policy.engine ?? this.config.AI_PROVIDER;
    const llm = engine === 'openai' && this.llm.available;
    const fallback = engine === 'openai' && !llm ? 'no OPENAI_API_KEY is configured' : null;
    const language = g.understood.language;
    const translateTo =
      llm &&
      g.policy.translateForStaff &&
      language.source === 'detected' &&
      baseLanguage(language.language) !== baseLanguage(g.property.language)
        ? baseLanguage(g.property.language)
        : null;
    if (!llm || g.quiet) {
      const decided = await this.builtin(g, fallback);
      return translateTo ? { g, reply: false, translateTo, history: [], decided } : decided;
    }
    // The builtin rules' safety decisions stand whatever a model would say.
    const safety = await this.safetyDecision(g);
    if (safety) {
      const decided = await this.finish(g, safety, { engine: 'builtin', answer: null, knowledge: null });
      return translateTo ? { g, reply: false, translateTo, history: [], decided } : decided;
    }
    const history = await this.gateway.history(g.ctx, HISTORY_MESSAGES);
    return { g, reply: true, translateTo, history: history.map(({ from, content }) => ({ from, content })) };
  }

  /** Asks the model, outside any transaction; its tools open short property transactions of their own. */
  private async consult(propertyId: string, plan: LlmPlan): Promise<LlmOutcome | LlmUnavailableError> {
    const { g } = plan;
    const scope: ToolScope = {
      searchKnowledge: async (query) => {
        const found = await this.db.run({ propertyId }, () =>
          this.search.find({ propertyId }, { query, limit: KNOWLEDGE_PASSAGES, visibility: 'guest' }),
        );
        return found.items
          .filter(isEvidence)
          .map((h) => ({ title: h.title, content: h.content, score: Math.round(h.score * 1000) / 1000 }));
      },
      stays: () => Promise.resolve(g.stays),
    };
    const started = performance.now();
    try {
      return await this.llm.converse(
        {
          hotel: g.property.name,
          replyLanguage: g.understood.language.language,
          today: g.today,
          timezone: g.property.timezone,
          history: plan.history,
          message: g.ctx.content,
        },
        scope,
      );
    } catch (err) {
      if (err instanceof LlmUnavailableError) return err;
      return new LlmUnavailableError((err as Error).message, null, []);
    } finally {
      g.marks.llm = performance.now() - started;
    }
  }

  /** Decides on the model's outcome (or, when it failed, with the builtin engine) and acts. */
  private async secondPass(
    messageId: string,
    plan: LlmPlan,
    consulted: LlmOutcome | LlmUnavailableError,
  ): Promise<ProcessResult | undefined> {
    const g = await this.gather(messageId);
    if (!g) return undefined;
    g.marks.llm = plan.g.marks.llm ?? 0;
    g.marks.before = g.started - plan.g.started;
    const calls =
      consulted instanceof LlmUnavailableError ? (consulted.toolbox?.calls ?? []) : consulted.toolbox.calls;
    const redactions = consulted.redactions;
    let result: ProcessResult;
    if (g.quiet || consulted instanceof LlmUnavailableError) {
      // Staff stepped in meanwhile, or the model failed: the builtin engine decides.
      const fallback = consulted instanceof LlmUnavailableError ? consulted.message : null;
      if (fallback)
        this.logger.warn(`message ${messageId}: LLM unavailable, builtin engine acts (${fallback})`);
      result = await this.builtin(g, fallback, redactions, calls);
    } else {
      const decided = llmDecision(g.policy, {
        understood: g.understood,
        outcome: consulted,
        identified: this.stayFor(g) !== null,
        vip: g.guest !== null && isVip(g.policy, g.guest),
        earlierSameIntent: (intent) =>
          this.traces.countSameIntent(this.db.propertyId, g.ctx.conversationId, intent, REPEAT_WINDOW_HOURS),
      });
      const { decision, understood, text } = await decided;
      if (decision === 'builtin')
        result = await this.builtin(
          g,
          'the model answered a request without passing it on',
          redactions,
          calls,
        );
      else
        result = await this.finish(
          { ...g, understood },
          decision,
          { engine: 'openai', answer: text, knowledge: null, text },
          redactions,
          calls,
        );
    }
    return result;
  }

  /** The builtin engine's path: knowledge lookup, the policy's decision, acting. */
  private async builtin(
    g: Gathered,
    fallback: string | null,
    redactions: unknown[] = [],
    calls: ToolCallRecord[] = [],
  ): Promise<ProcessResult> {
    // Both reads at once (one write on the pipelined connection).
    const [knowledge, input] = g.quiet
      ? [null, null]
      : await Promise.all([this.lookUp(g), this.decisionInput(g)]);
    g.marks.retrieved = performance.now();
    const decision: Decision = !input
      ? quietDecision(g.quiet!, g.understood.intent)
      : decide(g.policy, {
          ...input,
          answered:
            g.understood.intent === 'inquiry.reservation_status'
              ? this.stayFor(g) !== null
              : (knowledge?.answered ?? null),
        });
    return this.finish(
      g,
      decision,
      { engine: 'builtin', answer: knowledge?.answered ? knowledge.answer : null, knowledge, fallback },
      redactions,
      calls,
    );
  }

  /** The builtin rules' decision when it is one of safety (no model may override it), else null. */
  private async safetyDecision(g: Gathered): Promise<Decision | null> {
    const d = decide(g.policy, { ...(await this.decisionInput(g)), answered: true, identified: true });
    return d.outcome === 'escalated' && SAFETY_RULES.has(d.rule) ? d : null;
  }

  private async decisionInput(g: Gathered) {
    const definition = intentOf(g.understood.intent);
    return {
      intent: g.understood.intent,
      definition,
      confidence: g.understood.confidence,
      sentiment: g.understood.sentiment,
      asks: g.understood.asks,
      alternatives: g.understood.alternatives,
      identified: this.stayFor(g) !== null,
      vip: g.guest !== null && isVip(g.policy, g.guest),
      earlierSameIntent: g.opened
        ? 0
        : await this.traces.countSameIntent(
            this.db.propertyId,
            g.ctx.conversationId,
            g.understood.intent,
            REPEAT_WINDOW_HOURS,
          ),
    };
  }

  /** The stay a message is about: the current one, or for reservation matters the next. */
  private stayFor(g: Gathered): Stay | null {
    const reservationIntent =
      g.understood.intent.startsWith('request.reservation') ||
      g.understood.intent === 'inquiry.reservation_status';
    return g.stays.current ?? (reservationIntent ? g.stays.next : null);
  }

  /** Acts on a decision and writes the trace (and the tool calls) in the current transaction. */
  private async finish(
    g: Gathered,
    decision: Decision,
    how: {
      engine: string;
      answer: string | null;
      knowledge: Awaited<ReturnType<ConciergePipeline['lookUp']>> | null;
      fallback?: string | null;
      text?: string | null;
    },
    redactions: unknown[] = [],
    calls: ToolCallRecord[] = [],
  ): Promise<ProcessResult> {
    const propertyId = this.db.propertyId;
    const decided = performance.now();
    const definition = intentOf(g.understood.intent);
    const stay = this.stayFor(g);
    const situation: Situation = {
      ctx: g.ctx,
      understood: g.understood,
      definition,
      decision,
      policy: g.policy,
      property: { name: g.property.name, language: g.property.language, timezone: g.property.timezone },
      guest: g.guest,
      stay,
      answer: how.answer,
      text: how.text ?? null,
      now: g.now,
      today: g.today,
    };
    const acted = await this.actions.perform(situation);
    const done = performance.now();
    // The tool calls and the trace are the transaction's last writes: the COMMIT goes out behind
    // them without waiting for their answers (an error still rolls it all back).
    for (const c of calls)
      void this.db.trailing(
        this.toolCalls.insert(propertyId, {
          messageId: g.ctx.messageId,
          conversationId: g.ctx.conversationId,
          name: c.name,
          input: c.input,
          output: c.output,
          status: c.status,
          error: c.error,
          latencyMs: c.latencyMs,
        }),
      );
    const m = g.marks;
    const traceId = orderedUuidv7();
    void this.db.trailing(
      this.traces.insert(propertyId, traceId, {
        messageId: g.ctx.messageId,
        conversationId: g.ctx.conversationId,
        guestId: g.ctx.guestId,
        reservationId: stay?.reservationId ?? null,
        language: g.understood.language.language,
        languageSource: g.understood.language.source,
        intent: g.understood.intent,
        confidence: g.understood.confidence,
        alternatives: g.understood.alternatives,
        entities: { ...g.understood.entities },
        sentiment: g.understood.sentiment,
        knowledgeHits: how.knowledge?.sources ?? [],
        memoryHits: memoryHits(g.guest, stay),
        knowledgeAnswered: how.knowledge ? how.knowledge.answered : null,
        rule: decision.rule,
        outcome: decision.outcome,
        reason: decision.reason,
        department: decision.department ?? definition.department,
        engine: how.engine,
        model: how.engine === 'openai' ? this.llm.model : this.engine.model,
        fallback: how.fallback ?? null,
        latencies: {
          gather: ms(m.gathered - g.started),
          understand: ms(m.understood - m.gathered),
          ...(m.llm !== undefined ? { llm: ms(m.llm) } : {}),
          ...(m.retrieved !== undefined ? { retrieve: ms(m.retrieved - m.understood) } : {}),
          decide: ms(decided - (m.retrieved ?? m.understood)),
          act: ms(done - decided),
          // From the first look at the message, the model's time included.
          total: ms(performance.now() - g.started + (m.before ?? 0)),
        },
        redactions,
        replyMessageId: acted.replyMessageId,
        taskId: acted.taskId,
        approvalId: acted.approvalId,
        receivedAt: g.ctx.receivedAt,
      }),
    );
    this.logger.debug(
      `message ${g.ctx.messageId}: ${g.understood.intent} → ${decision.outcome} (${decision.rule}, ${how.engine})`,
    );
    return { outcome: decision.outcome, rule: decision.rule, traceId };
  }

  /**
   * Under the message's lock: the message in context, the property and policy, the guest and
   * stays, the builtin understanding and whether staff hold the conversation. Undefined when the
   * message was processed already or is not a guest's. `attached`, what the attaching job knows
   * of the message's guest, lets the guest and stays be asked for with the first reads, or not
   * at all when that job read them in this transaction (for the property's date of now); they are
   * asked again for the conversation's guest should it be another.
   */
  private async gather(messageId: string, attached?: AttachedTo): Promise<Gathered | undefined> {
    const started = performance.now();
    const propertyId = this.db.propertyId;
    const now = this.clock.now();
    /** The property's date as of `now`. */
    const dayAt = (property: ConciergeProperty) => localDate(property.timezone, now);
    const guestHint = attached?.guestId ?? null;
    const known = attached?.opened;
    const guestOf = (guestId: string, day: string) =>
      Promise.all([
        known && known.profile.guestId === guestId ? known.profile : this.guests.profile(guestId),
        known && known.profile.guestId === guestId && known.stays.on === day
          ? known.stays
          : this.stayLookup.staysOf(guestId, day),
      ]);
    // Asked together: on the pipelined connection they leave in one write and PostgreSQL runs
    // them in this order, so the reads see the message as it is once its lock is held. (The
    // property is usually read already, by the attaching job: the hinted guest's reads then
    // leave in that same write.)
    const [undecided, ctx, { property, policy: aiPolicy }, hinted] = await Promise.all([
      this.lock(messageId),
      this.gateway.inbound(messageId),
      this.policies.forProperty(propertyId),
      guestHint ? this.policies.property(propertyId).then((p) => guestOf(guestHint, dayAt(p))) : null,
    ]);
    if (!undecided || !ctx) return undefined;
    const today = dayAt(property);
    const [guest, stays] = hinted && guestHint === ctx.guestId ? hinted : await guestOf(ctx.guestId, today);
    const gathered = performance.now();
    const understood = this.engine.understand(
      ctx.content,
      { conversation: ctx.guestLanguage, guest: guest?.language ?? null, property: property.language },
      property.supported,
      today,
    );
    return {
      ctx,
      property,
      policy: aiPolicy,
      guest: guest ?? null,
      stays,
      now,
      today,
      understood,
      quiet: staffHolds(ctx, aiPolicy, property, now.getTime()),
      opened: known?.conversationId === ctx.conversationId,
      started,
      marks: { gathered, understood: performance.now() },
    };
  }

  /** Guest-visible knowledge for an inquiry, searched with the topic's words in the knowledge's language. */
  private async lookUp(g: Gathered) {
    const { understood, property, policy, ctx } = g;
    const d = intentOf(understood.intent);
    if (d.category !== 'inquiry' || d.restricted || understood.intent === 'inquiry.reservation_status')
      return null;
    if (understood.confidence < policy.confidenceThreshold) return null;
    const hint = knowledgeHint(understood.intent, property.language);
    const question = `${ctx.content} ${hint}`.trim().slice(0, 1000);
    // Extractive: no chat model is called inside this transaction (nor while the LLM engine is down).
    return this.knowledge.ask(
      { propertyId: this.db.propertyId },
      { question, audience: 'guest' },
      { extractive: true },
    );
  }
}

/** Why the AI keeps quiet, if it must: staff have the conversation. */
function staffHolds(
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

/** A job's result: what the pipeline did with a message. */
const describe = (result: ProcessResult | undefined) =>
  result ? `${result.outcome} (${result.rule})` : 'skipped';
