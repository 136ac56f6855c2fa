import type { IntentId } from '../intent-taxonomy';
import type { LexiconRule } from './intent-lexicon';

/** A lexicon rule: `intent` scores `weight` when any of `patterns` matches the normalized text. */
export const rule = (intent: IntentId, weight: number, ...patterns: RegExp[]): LexiconRule => ({
  intent,
  weight,
  patterns,
});

/**
 * A pattern from a template whose backslashes are kept as written (`re\`\\b${TOWEL}\\b\``), so
 * shared fragments (plain `String.raw` strings) compose without double escaping.
 */
export const re = (strings: TemplateStringsArray, ...fragments: string[]): RegExp =>
  new RegExp(String.raw({ raw: strings.raw }, ...fragments));

/** `words` as one non-capturing alternation, for building fragments from lists. */
export const anyOf = (...words: string[]): string => `(?:${words.join('|')})`;

/**
 * A ride-hailing app by name. "uber" only when it reads as the app ("an uber to…", "uber now"),
 * since in German text it is the preposition über.
 */
export const RIDE_APP = String.raw`(?:uber(?= (?:to|for|at|please|pls|now|asap|from|al|a|para|pour|per|ao|zum|zur|nach|ya|ahora|maintenant|adesso|agora|sofort|jetzt|app)\b| $)|lyft|cabify|didi)`;
