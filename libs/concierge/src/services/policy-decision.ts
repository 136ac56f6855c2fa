import {
  type Department,
  type IntentDefinition,
  type IntentId,
  intentOf,
  type Priority,
} from '../engine/intent-taxonomy';
import { type AiPolicy, autonomyOf } from './ai-policy';

export type Outcome = 'auto_replied' | 'task_created' | 'queued_for_approval' | 'escalated' | 'ignored';

export type EscalationReason =
  | 'emergency'
  | 'human_request'
  | 'restricted_topic'
  | 'negative_sentiment'
  | 'repeated_question'
  | 'low_confidence'
  | 'no_knowledge'
  | 'identity_unverified'
  /** The LLM engine handed the message to staff for a reason of its own. */
  | 'model_judgement';

/** What the guest is told: a composed answer, a fixed line, or nothing. */
export type ReplyKind =
  'answer' | 'reservation' | 'social' | 'confirmation' | 'holding' | 'emergency' | 'identity' | 'no_answer';

export interface DecisionInput {
  intent: IntentId;
  definition: IntentDefinition;
  confidence: number;
  sentiment: 'negative' | 'neutral' | 'positive';
  /** The guest is matched to a current reservation. */
  identified: boolean;
  vip: boolean;
  /** Earlier messages of the conversation with the same intent (recent), not counting this one. */
  earlierSameIntent: number;
  /** The knowledge (or the reservation) answers the question; null when nothing was looked up. */
  answered: boolean | null;
  /**
   * The message asks something or names a topic; false for a statement that only mentions one
   * ("they charged the parking twice"): no answer is sent to it. Undefined: not known (asks).
   */
  asks?: boolean;
  /** The classifier's runner-up intents, best first (none: not known). */
  alternatives?: readonly { intent: IntentId; confidence: number }[];
}

export interface Decision {
  outcome: Outcome;
  /** The policy rule that decided (kept in the decision trace). */
  rule: string;
  reason: EscalationReason | null;
  priority: Priority;
  reply: ReplyKind | null;
  /** A task is created now (L2) or proposed for approval (L1). */
  task: boolean;
  approval: 'reply' | 'task' | null;
  /** For an approval: what is sent to the guest once approved (the drafted reply or the confirmation). */
  proposed: ReplyKind | null;
  /** The department an escalation goes to when it is not the intent's own. */
  department?: Department;
}

/**
 * A runner-up this sure of a topic the AI never handles alone (money, cancellations, complaints,
 * legal, medical, emergencies) sends the message to staff whatever won: "the pool was closed all
 * week, do we get a discount?" may read as a pool question, and an automatic answer to it would
 * be the wrong kind of mistake. Informational billing questions do not count (they come up as a
 * runner-up of every price question).
 */
export const SENSITIVE_RUNNER_UP = 0.25;

const sensitive = (intent: IntentId): boolean => {
  const d = intentOf(intent);
  return intent === 'emergency' || (d.restricted && d.category !== 'inquiry');
};

/** The first runner-up that sends the message to staff, if any. */
export const sensitiveRunnerUp = (input: DecisionInput): IntentId | null =>
  input.alternatives?.find((a) => a.confidence >= SENSITIVE_RUNNER_UP && sensitive(a.intent))?.intent ?? null;

const PRIORITY_RANK: Record<Priority, number> = { low: 0, standard: 1, high: 2, urgent: 3 };
export const maxPriority = (a: Priority, b: Priority): Priority =>
  PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;

/** A hand-over to staff for `rule`, with what the guest is told meanwhile (null: nothing). */
export const escalate = (
  rule: EscalationReason,
  priority: Priority,
  reply: ReplyKind | null = 'holding',
): Decision => ({
  outcome: 'escalated',
  rule,
  reason: rule,
  priority,
  reply,
  task: false,
  approval: null,
  proposed: null,
});

/**
 * The policy's decision for one understood guest message. Safety first (emergencies, requests
 * for a person, restricted topics, anger, repetition, doubt), then what the concierge may do on
 * its own by the autonomy of the action: answer, create a task, or propose either for approval.
 */
export function decide(policy: AiPolicy, input: DecisionInput): Decision {
  const { definition: d } = input;
  if (input.intent === 'emergency') return escalate('emergency', 'urgent', 'emergency');
  if (input.intent === 'human_request') return escalate('human_request', maxPriority(d.priority, 'high'));
  if (d.restricted) return escalate('restricted_topic', maxPriority(d.priority, 'high'));
  const runnerUp = d.category === 'social' ? null : sensitiveRunnerUp(input);
  if (runnerUp) {
    const other = intentOf(runnerUp);
    return {
      ...escalate('restricted_topic', maxPriority(maxPriority(d.priority, other.priority), 'high')),
      rule: 'sensitive_runner_up',
      department: other.department,
    };
  }
  if (policy.escalateNegativeSentiment && input.sentiment === 'negative')
    return escalate('negative_sentiment', 'high');
  const social = d.category === 'social' || input.intent === 'feedback.compliment';
  if (!social && input.earlierSameIntent + 1 >= policy.repeatLimit)
    return escalate('repeated_question', maxPriority(d.priority, 'high'));
  if (input.confidence < policy.confidenceThreshold || d.category === 'meta')
    return escalate('low_confidence', d.priority);
  if (d.requiresIdentity && !input.identified) return escalate('identity_unverified', d.priority, 'identity');

  if (social || d.category === 'inquiry') {
    const reply: ReplyKind = social
      ? 'social'
      : input.intent === 'inquiry.reservation_status'
        ? 'reservation'
        : 'answer';
    // An answer only to what was asked: a statement that mentions a topic may be a complaint.
    if (!social && input.asks === false)
      return { ...escalate('low_confidence', d.priority), rule: 'not_a_question' };
    if (!social && input.answered !== true) return escalate('no_knowledge', d.priority, 'no_answer');
    if (input.vip && policy.vipMode === 'suggest')
      return approval('vip_suggestion', 'reply', reply, d.priority);
    if (autonomyOf(policy, 'reply', d.department) === 'L1')
      return approval('autonomy_l1', 'reply', reply, d.priority);
    return {
      outcome: 'auto_replied',
      rule: `${reply}_reply`,
      reason: null,
      priority: d.priority,
      reply,
      task: false,
      approval: null,
      proposed: null,
    };
  }

  // A request: staff act on it through a task.
  if (input.vip && policy.vipMode === 'suggest')
    return approval('vip_suggestion', 'task', 'confirmation', d.priority);
  if (autonomyOf(policy, d.action, d.department) === 'L1')
    return approval('autonomy_l1', 'task', 'confirmation', d.priority);
  return {
    outcome: 'task_created',
    rule: 'task_l2',
    reason: null,
    priority: d.priority,
    reply: 'confirmation',
    task: true,
    approval: null,
    proposed: null,
  };
}

/** Proposed for approval: the guest gets a holding line meanwhile. */
function approval(rule: string, kind: 'reply' | 'task', proposed: ReplyKind, priority: Priority): Decision {
  return {
    outcome: 'queued_for_approval',
    rule,
    reason: null,
    priority,
    reply: 'holding',
    task: kind === 'task',
    approval: kind,
    proposed,
  };
}
