import type { IntentId } from '../intent-taxonomy';
import { DE_CUES, DE_LEXICON } from './intent-lexicon.de';
import { EN_CUES, EN_LEXICON } from './intent-lexicon.en';
import { ES_CUES, ES_LEXICON } from './intent-lexicon.es';
import { FR_CUES, FR_LEXICON } from './intent-lexicon.fr';
import { IT_CUES, IT_LEXICON } from './intent-lexicon.it';
import { PT_CUES, PT_LEXICON } from './intent-lexicon.pt';

/**
 * One piece of evidence for an intent. Patterns are matched against `normalize(text)` (lower
 * case, accent-free, punctuation as single spaces, one space of padding at each end), so they
 * are written in lower case without accents, anchored on spaces or `\b`, without flags.
 *
 * Weight scale: 3 = a decisive phrase ("fire alarm", "wifi password", "late check out"),
 * 2 = a clear keyword, 1 = a weak hint. A negative weight is counter-evidence that cancels a
 * misleading match ("not an emergency", "smoke detector beeping", "can I smoke").
 */
export interface LexiconRule {
  intent: IntentId;
  weight: number;
  patterns: RegExp[];
}

/**
 * Language-specific cues the classifier uses to disambiguate between intents rather than to
 * score them. Patterns follow the same conventions as {@link LexiconRule} patterns.
 */
export interface LanguageCues {
  /** Frequent, fairly distinctive words of the language (whole tokens), to spot its use. */
  markers: string[];
  /** The guest is asking something: what, when, where, is there, do you… */
  question: RegExp[];
  /** Asking to be told something, which reads like a request but is a question: tell me, let me know. */
  information: RegExp[];
  /** The guest wants something done: can you bring, I need, please… */
  request: RegExp[];
  /** Something is broken: not working, broken, leaking… */
  broken: RegExp[];
  /** Declining a service: don't need, no need, don't bring… (negates the service named after it). */
  declining: RegExp[];
  /**
   * Thanking for something done: thanks for, merci pour… The service named after it was already
   * given ("thanks for the towels"), so it counts as little as a declined one.
   */
  thanking: RegExp[];
  /** Words that end the scope of a `declining` or `thanking` cue: but, instead, just… */
  contrast: RegExp[];
  /** Anger or dissatisfaction, counted once per occurrence. */
  negative: RegExp[];
  /** Praise or gratitude, counted once per occurrence. */
  positive: RegExp[];
}

/** Lexicons by ISO 639-1 language code. */
export const LEXICONS: Record<string, LexiconRule[]> = {
  en: EN_LEXICON,
  es: ES_LEXICON,
  fr: FR_LEXICON,
  de: DE_LEXICON,
  it: IT_LEXICON,
  pt: PT_LEXICON,
};

/** Disambiguation cues by ISO 639-1 language code (the same languages as {@link LEXICONS}). */
export const CUES: Record<string, LanguageCues> = {
  en: EN_CUES,
  es: ES_CUES,
  fr: FR_CUES,
  de: DE_CUES,
  it: IT_CUES,
  pt: PT_CUES,
};
