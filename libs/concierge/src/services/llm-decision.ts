import { type Understanding } from '../engine/builtin/builtin-engine';
import { type IntentDefinition, type IntentId, intentOf } from '../engine/intent-taxonomy';
import { type ToolEscalationReason } from '../engine/llm/concierge-tools';
import { type LlmOutcome } from '../engine/llm/openai-engine';
import { type AiPolicy } from './ai-policy';
import { decide, type Decision, escalate, type EscalationReason, maxPriority } from './policy-decision';

export interface LlmDecisionInput {
  /** What the builtin engine understood (its safety rules have already passed). */
  understood: Understanding;
  outcome: LlmOutcome;
  identified: boolean;
  vip: boolean;
  earlierSameIntent: (intent: IntentId) => Promise<number>;
}

export interface LlmDecided {
  /** The policy's decision, or 'builtin': the builtin engine should decide (the model missed a request). */
  decision: Decision | 'builtin';
  /** The understanding the decision rests on (the model's task intent and details when it proposed one). */
  understood: Understanding;
  /** The model's words for the guest, when the decision sends them. */
  text: string | null;
}

/** A question the builtin rules could not place, answered by the model from the hotel's own data. */
const GENERAL_QUESTION: IntentDefinition = {
  ...intentOf('unknown'),
  category: 'inquiry',
  description: 'A question the model answered from the knowledge or the reservation.',
};

const REASONS: Record<ToolEscalationReason, { reason: EscalationReason; intent?: IntentId }> = {
  human_request: { reason: 'human_request', intent: 'human_request' },
  restricted_topic: { reason: 'restricted_topic' },
  complaint: { reason: 'restricted_topic', intent: 'feedback.complaint' },
  emergency: { reason: 'emergency', intent: 'emergency' },
  no_knowledge: { reason: 'no_knowledge' },
  other: { reason: 'model_judgement' },
};

/**
 * The policy's decision on what the openai engine made of a message. The model proposes, the
 * policy disposes, as for the builtin engine:
 * - a hand-over the model asked for is an escalation (an emergency one urgent, with the safety line);
 * - a task it proposed is decided like any request: its intent and self-reported confidence
 *   against the threshold, the guest's identity, the autonomy of the action, VIP mode;
 * - a reply is sent only when it rests on data a tool returned (knowledge or the guest's
 *   reservation), or is small talk; otherwise the model may have invented it, and staff answer.
 * A request the builtin rules recognised with confidence but the model did not act on goes back
 * to the builtin engine, so no request is dropped.
 */
export async function llmDecision(policy: AiPolicy, input: LlmDecisionInput): Promise<LlmDecided> {
  const { understood: u, outcome } = input;
  const { toolbox, reply } = outcome;
  const builtin = intentOf(u.intent);

  if (toolbox.escalation) {
    const e = toolbox.escalation;
    const mapped = REASONS[e.reason];
    const intent = mapped.intent ?? u.intent;
    const understood =
      intent === u.intent ? u : { ...u, intent, alternatives: [alternative(u), ...u.alternatives] };
    const priority = maxPriority(e.priority, intentOf(intent).priority);
    const decision =
      mapped.reason === 'emergency'
        ? escalate('emergency', 'urgent', 'emergency')
        : escalate(mapped.reason, priority, mapped.reason === 'no_knowledge' ? 'no_answer' : 'holding');
    return { decision, understood, text: null };
  }

  if (toolbox.task) {
    const t = toolbox.task;
    const entities = {
      ...u.entities,
      ...(t.items.length > 0 ? { items: t.items } : {}),
      ...(t.time ? { time: t.time } : {}),
    };
    const understood: Understanding = {
      ...u,
      intent: t.intent,
      confidence: t.confidence,
      entities,
      alternatives: t.intent === u.intent ? u.alternatives : [alternative(u), ...u.alternatives],
    };
    const definition = intentOf(t.intent);
    const decision = decide(policy, {
      intent: t.intent,
      definition,
      confidence: t.confidence,
      sentiment: u.sentiment,
      identified: input.identified,
      vip: input.vip,
      earlierSameIntent: await input.earlierSameIntent(t.intent),
      answered: null,
    });
    // The confirmation states what will happen in the builtin wording, not the model's.
    return { decision, understood, text: null };
  }

  const confident = u.confidence >= policy.confidenceThreshold;
  if (builtin.category === 'request' && confident) return { decision: 'builtin', understood: u, text: null };
  const social = confident && (builtin.category === 'social' || u.intent === 'feedback.compliment');
  if (!reply || (!social && !toolbox.grounded))
    return {
      decision: escalate(
        reply ? 'no_knowledge' : 'low_confidence',
        builtin.priority,
        reply ? 'no_answer' : 'holding',
      ),
      understood: u,
      text: null,
    };

  const inquiry = builtin.category === 'inquiry';
  const decision = decide(policy, {
    intent: u.intent,
    definition: social || inquiry ? builtin : GENERAL_QUESTION,
    // The model found the answer in the hotel's own data: as sure as the policy asks.
    confidence: social ? u.confidence : Math.max(u.confidence, policy.confidenceThreshold),
    sentiment: u.sentiment,
    identified: input.identified,
    vip: input.vip,
    // Questions the rules could not place are not "the same question" because they share `unknown`.
    earlierSameIntent: u.intent === 'unknown' ? 0 : await input.earlierSameIntent(u.intent),
    answered: true,
    // A statement that only mentions a topic the rules recognised may be a complaint: not answered.
    asks: inquiry ? u.asks : undefined,
  });
  return { decision, understood: u, text: reply };
}

const alternative = (u: Understanding) => ({ intent: u.intent, confidence: u.confidence });
