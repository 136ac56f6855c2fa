import { allEntries, allWords } from './entity-lexicon';
import { alternation } from './entity-text';

/**
 * Word tables of all six languages merged once at module load, shared by the extractor's passes.
 * Guests mix languages, so every pass accepts every language's words.
 */
export const NUMBER_WORDS = allEntries('numbers');
export const ARTICLES = new Set(allWords('articles'));

/** Words for 1–12 that can name an hour ("a las siete", "um acht"); articles such as "a"/"un" cannot. */
const HOUR_WORDS = [...NUMBER_WORDS].filter(
  ([word, value]) => value <= 12 && (!ARTICLES.has(word) || ['una', 'uma', 'uno', 'ein'].includes(word)),
);
export const HOUR_WORD_SOURCE = alternation(HOUR_WORDS.map(([word]) => word));
/** An hour: 1–2 digits or a number word. */
export const HOUR_SOURCE = `\\d{1,2}|${HOUR_WORD_SOURCE}`;

/** Number words that count things: 1–12 and "a dozen" (12, never an hour). */
export const COUNT_WORDS = new Map([
  ...NUMBER_WORDS,
  ...allWords('dozens').map((word): [string, number] => [word, 12]),
]);
/** A count: 1–2 digits or a number word (articles included). */
export const COUNT_SOURCE = `\\d{1,2}|${alternation(COUNT_WORDS.keys())}`;
/** A count that is not an article ("two", "2", not "a"). */
export const STRICT_COUNT_SOURCE = `\\d{1,2}|${alternation(
  [...COUNT_WORDS.keys()].filter((word) => !ARTICLES.has(word)),
)}`;

/** The value of a digit string or a number word; undefined when it is neither. */
export function numberValue(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return COUNT_WORDS.get(token);
}

export const PERSON_NOUNS = new Set(allWords('personNouns'));
export const PERSON_NOUN_SOURCE = alternation(PERSON_NOUNS);
export const MEASURE_UNITS = new Set([...allWords('measureUnits'), ...allWords('hourDurations')]);
export const COURTESY = new Set(allWords('courtesy'));
