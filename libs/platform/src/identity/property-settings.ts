/**
 * A property's `settings` JSONB. Every key has a default, so a new property works at once and a
 * PATCH only names what changes (objects are merged key by key).
 */
export interface PropertySettings {
  channels: { whatsapp: boolean; sms: boolean; email: boolean; webchat: boolean };
  features: { aiConcierge: boolean; proactiveMessaging: boolean; translation: boolean };
  escalation: { threshold: number };
  /** Minutes from creation to a task's default due time, by priority. */
  tasks: { dueMinutes: { urgent: number; high: number; standard: number; low: number } };
  /** Idle conversations: the guest is asked after `idleWarnHours`, closed `idleCloseHours` later. */
  conversations: { idleWarnHours: number; idleCloseHours: number };
  branding: { name: string; primaryColor: string; logoUrl: string | null };
  defaultLanguage: string;
  supportedLanguages: string[];
  country: string | null;
}

export function defaultPropertySettings(propertyName: string): PropertySettings {
  return {
    channels: { whatsapp: true, sms: true, email: true, webchat: true },
    features: { aiConcierge: true, proactiveMessaging: true, translation: true },
    escalation: { threshold: 0.7 },
    tasks: { dueMinutes: { urgent: 15, high: 30, standard: 60, low: 240 } },
    conversations: { idleWarnHours: 4, idleCloseHours: 20 },
    branding: { name: propertyName, primaryColor: '#1f4e79', logoUrl: null },
    defaultLanguage: 'en',
    supportedLanguages: ['en'],
    country: null,
  };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges a validated patch into stored settings (arrays and scalars replace). */
export function mergeSettings(current: Json, patch: Json): Json {
  const out: Json = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = isObject(value) && isObject(current[key]) ? mergeSettings(current[key], value) : value;
  }
  return out;
}

/** Stored settings over the defaults, so readers always see every key. */
export function withDefaults(name: string, stored: Json): PropertySettings {
  return mergeSettings(
    defaultPropertySettings(name) as unknown as Json,
    stored,
  ) as unknown as PropertySettings;
}
