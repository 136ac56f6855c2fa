import { detectAll } from 'tinyld';

import { CUES } from './builtin/intent-lexicon';
import { normalize } from './builtin/text';

export type LanguageSource = 'detected' | 'conversation' | 'guest' | 'property';

export interface DetectedLanguage {
  language: string;
  source: LanguageSource;
  /** The detector's confidence in [0, 1]; 0 when a fallback decided. */
  confidence: number;
}

export interface LanguageFallbacks {
  /** The language earlier messages of the conversation were detected in. */
  conversation: string | null;
  /** The guest profile's language, when it was set by someone (not the column default). */
  guest: string | null;
  property: string;
}

/**
 * The lexicons' marker words (frequent, fairly distinctive words of each builtin language): they
 * tell the languages apart in short messages n-gram detection cannot place ("dos toallas mas
 * por favor", "danke").
 */
const MARKER_SETS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(CUES).map(([language, cues]) => [language, new Set(cues.markers)]),
);

/** An n-gram guess this sure, on text this long, stands on its own. */
const SURE = 0.5;
const MIN_WORDS_SURE = 3;

/**
 * The language a guest wrote in: n-gram detection (tinyld) when it is sure on enough text, else
 * the detector's ranking among the builtin languages and the property's weighed together with
 * function words, else the conversation's language, the guest's, the property's.
 */
export function detectLanguage(
  text: string,
  fallbacks: LanguageFallbacks,
  supported: readonly string[] = [],
): DetectedLanguage {
  const words = normalize(text).trim().split(' ').filter(Boolean);
  const letters = words.filter((w) => /\p{L}/u.test(w));
  if (letters.length === 0) return fallback(fallbacks);
  // On fewer words than that an open guess would not be taken: it is not asked for.
  const open = letters.length >= MIN_WORDS_SURE ? detectAll(text) : [];
  if (open[0] && open[0].accuracy >= SURE)
    return { language: open[0].lang, source: 'detected', confidence: round(open[0].accuracy) };

  const candidates = [...new Set([...Object.keys(MARKER_SETS), ...supported, fallbacks.property])];
  const ranked = new Map(detectAll(text, { only: candidates }).map((d) => [d.lang, d.accuracy]));
  const scores = candidates.map((lang) => {
    const markers = MARKER_SETS[lang];
    const hits = markers ? letters.filter((w) => markers.has(w)).length : 0;
    return { lang, score: hits / letters.length + (ranked.get(lang) ?? 0) };
  });
  scores.sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  // A tie says nothing; the conversation's or the property's language is the better guess.
  if (best && best.score >= 0.34 && best.score - (second?.score ?? 0) >= 0.1)
    return { language: best.lang, source: 'detected', confidence: round(Math.min(1, best.score)) };
  return fallback(fallbacks);
}

function fallback(f: LanguageFallbacks): DetectedLanguage {
  if (f.conversation) return { language: f.conversation, source: 'conversation', confidence: 0 };
  if (f.guest) return { language: f.guest, source: 'guest', confidence: 0 };
  return { language: f.property, source: 'property', confidence: 0 };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** A language tag's base language: `pt-BR` → `pt`. */
export const baseLanguage = (language: string): string => language.slice(0, 2).toLowerCase();
