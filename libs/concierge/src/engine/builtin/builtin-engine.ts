import { Injectable } from '@nestjs/common';

import { type IntentDefinition, type IntentId } from '../intent-taxonomy';
import {
  baseLanguage,
  type DetectedLanguage,
  detectLanguage,
  type LanguageFallbacks,
} from '../language-detector';
import { type Entities, extractEntities } from './entity-extractor';
import { classifyIntent } from './intent-classifier';
import { departmentName, hasWording, itemList, line, type LineKey, type WordingLanguage } from './wording';

export const BUILTIN_ENGINE_MODEL = 'builtin-rules-v1';

/** What the engine understood of one guest message. */
export interface Understanding {
  language: DetectedLanguage;
  intent: IntentId;
  confidence: number;
  alternatives: { intent: IntentId; confidence: number }[];
  sentiment: 'negative' | 'neutral' | 'positive';
  entities: Entities;
  /** The rules that fired (for the decision trace). */
  matched: string[];
  /**
   * The message asks something (a question, or asking to be told or given something) or is a
   * short topic ("wifi password"); a statement about a topic is not a question to answer.
   */
  asks: boolean;
}

/** Up to this many words a message is a topic ("parking?", "wifi password"), not a statement. */
const TOPIC_WORDS = 5;

/** Requests whose confirmation says staff will confirm (availability, prices, details). */
const ARRANGED: ReadonlySet<IntentId> = new Set<IntentId>([
  'request.concierge',
  'request.transport',
  'request.room_service',
  'request.special_occasion',
  'request.early_checkin',
  'request.late_checkout',
  'request.room_change',
  'request.reservation_change',
  'request.luggage',
  'request.laundry',
  'request.receipt',
  'request.lost_and_found',
]);
const FIXES: ReadonlySet<IntentId> = new Set<IntentId>([
  'request.maintenance',
  'request.wifi_problem',
  'request.noise',
  'request.security',
  'request.cleaning',
]);

/**
 * The builtin engine: offline and deterministic. Language by n-grams and function words, intent
 * and sentiment by weighted multilingual lexicons, entities by patterns; lines from the fixed
 * wording, so it never states what the hotel's data does not.
 */
@Injectable()
export class BuiltinEngine {
  readonly name = 'builtin';
  readonly model = BUILTIN_ENGINE_MODEL;

  understand(
    text: string,
    fallbacks: LanguageFallbacks,
    supported: readonly string[],
    today: string,
  ): Understanding {
    const language = detectLanguage(text, fallbacks, supported);
    const c = classifyIntent(text, language.language);
    return {
      language,
      intent: c.intent,
      confidence: c.confidence,
      alternatives: c.alternatives,
      sentiment: c.sentiment,
      entities: extractEntities(text, language.language, today),
      matched: c.matched,
      asks:
        c.matched.includes('cue:question') ||
        c.matched.includes('cue:request') ||
        text.trim().split(/\s+/).length <= TOPIC_WORDS,
    };
  }

  /** The language replies are written in: the guest's where there is wording for it, else the property's. */
  replyLanguage(guest: string, property: string): WordingLanguage {
    for (const candidate of [guest, property]) {
      const base = baseLanguage(candidate);
      if (hasWording(base)) return base;
    }
    return 'en';
  }

  line(
    language: WordingLanguage,
    key: LineKey,
    values: Record<string, string>,
    overrides: Record<string, Record<string, string>>,
  ): string {
    return line(language, key, values, overrides[language]?.[key]);
  }

  /** What the guest is told when a request becomes a task (or is approved). */
  confirmation(
    language: WordingLanguage,
    intent: IntentId,
    definition: IntentDefinition,
    entities: Entities,
    room: string | null,
    overrides: Record<string, Record<string, string>>,
  ): string {
    const values: Record<string, string> = {
      department: departmentName(language, definition.department),
      room: room ?? '',
      time: entities.time ?? '',
    };
    const say = (key: LineKey) => this.line(language, key, values, overrides);
    if (intent === 'request.do_not_disturb' && room) return say('doNotDisturb');
    if (intent === 'request.wake_up' && entities.time && room) return say('wakeUp');
    if (entities.items?.length && (intent === 'request.towels' || intent === 'request.amenities')) {
      values.items = itemList(language, entities.items);
      return say(room ? 'bring' : 'bringNoRoom');
    }
    if (FIXES.has(intent) && room) return say('fix');
    if (ARRANGED.has(intent) || !room) return say(entities.time ? 'arrangeAt' : 'arrange');
    return say('generic');
  }
}
