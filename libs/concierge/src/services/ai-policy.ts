import { type ActionType, type Department } from '../engine/intent-taxonomy';

export type Autonomy = 'L1' | 'L2';
export type EngineName = 'builtin' | 'openai';

/**
 * A property's AI policy: how freely the concierge acts, when it hands over to staff, and what it
 * says. Stored per property (concierge.policies); every field has a default, so a property that
 * never saved one runs on the defaults.
 */
export interface AiPolicy {
  /** The engine that understands and answers; null: the platform default (AI_PROVIDER). */
  engine: EngineName | null;
  /** Below this intent confidence the message goes to staff. */
  confidenceThreshold: number;
  /** L1: a staff member approves first; L2: automatic. */
  autonomy: Record<ActionType, Autonomy>;
  /** Per-department autonomy of tasks (`create_task`), overriding `autonomy.create_task`. */
  departmentAutonomy: Partial<Record<Department, Autonomy>>;
  escalateNegativeSentiment: boolean;
  /** The same question asked this many times in a conversation goes to staff. */
  repeatLimit: number;
  /** The AI stays quiet in a conversation where staff replied within this many minutes. */
  staffActivityMinutes: number;
  /** Guests of these tiers (loyalty tier or VIP status, case-insensitive)… */
  vipTiers: string[];
  /** …get `suggest`: the AI drafts and staff send; or `auto`: like every guest. */
  vipMode: 'auto' | 'suggest';
  /** Task-completion notices wait for the end of these hours (property time) unless urgent. */
  quietHours: { start: string; end: string } | null;
  /** Emergency services' number named in the safety reply. */
  emergencyNumber: string;
  /** Staff see guest messages translated into the property language (LLM engine only). */
  translateForStaff: boolean;
  /** Wording overrides: language → line key → text (placeholders as in the builtin wording). */
  wording: Record<string, Record<string, string>>;
}

export const DEFAULT_POLICY: AiPolicy = {
  engine: null,
  confidenceThreshold: 0.7,
  autonomy: {
    reply: 'L2',
    create_task: 'L2',
    room_change: 'L1',
    late_checkout: 'L1',
    compensation: 'L1',
  },
  departmentAutonomy: {},
  escalateNegativeSentiment: true,
  repeatLimit: 3,
  staffActivityMinutes: 10,
  vipTiers: ['vip', 'platinum', 'diamond'],
  vipMode: 'auto',
  quietHours: { start: '22:00', end: '07:00' },
  emergencyNumber: '112',
  translateForStaff: true,
  wording: {},
};

/** The stored settings over the defaults (a stored partial policy keeps defaults for the rest). */
export function withPolicyDefaults(stored: Partial<AiPolicy> | null | undefined): AiPolicy {
  const s = stored ?? {};
  return {
    ...DEFAULT_POLICY,
    ...s,
    autonomy: { ...DEFAULT_POLICY.autonomy, ...(s.autonomy ?? {}) },
    departmentAutonomy: { ...(s.departmentAutonomy ?? {}) },
    wording: { ...(s.wording ?? {}) },
  };
}

/** The autonomy of an action; tasks may be set per department. */
export function autonomyOf(policy: AiPolicy, action: ActionType, department: Department): Autonomy {
  if (action === 'create_task') return policy.departmentAutonomy[department] ?? policy.autonomy.create_task;
  return policy.autonomy[action];
}

export const isVip = (policy: AiPolicy, guest: { vipStatus: string | null; loyaltyTier: string | null }) => {
  const tiers = new Set(policy.vipTiers.map((t) => t.toLowerCase()));
  return [guest.vipStatus, guest.loyaltyTier].some((t) => t !== null && tiers.has(t.toLowerCase()));
};
