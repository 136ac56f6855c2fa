import { allEntries, allWords } from './entity-lexicon';
import { alternation, type EntityText, isMasked, onTokens } from './entity-text';
import { TIME_CUE_SOURCE } from './entity-time-words';
import {
  ARTICLES,
  COUNT_SOURCE,
  COURTESY,
  numberValue,
  PERSON_NOUN_SOURCE,
  STRICT_COUNT_SOURCE,
} from './entity-words';

/**
 * How many people: "2 adults and 1 child" → 3, "table for 4", "for two people", "we are 3", "somos
 * 4", "nous sommes 3", "wir sind zu viert", "siamo in 2", "a family of four", "four of us".
 *
 * - A list of counted people nouns adds up ("2 adultos y 2 niños" → 4); an article counts one only
 *   inside such a list ("2 adults and a baby" → 3, but "a guest" alone is no head count).
 * - "for 2" alone ("dinner for two") counts only when nothing but a time, a date, a courtesy word
 *   or the end follows (not "for 2 nights", "for 2 towels").
 * - First found wins, by kind: counted list, then "table for"/"we are"/"family of", then bare "for N".
 * - Between 1 and 99.
 */

const COUNT = COUNT_SOURCE;
const PERSON = PERSON_NOUN_SOURCE;
const CONJUNCTION = alternation(allWords('conjunctions'));
const LIST = onTokens(`(?:${COUNT}) (?:${PERSON})(?:(?: (?:${CONJUNCTION}))? (?:${COUNT}) (?:${PERSON}))*`);
const LIST_PART = new RegExp(`(?:^| )(${COUNT}) (?:${PERSON})(?= |$)`, 'g');
const PREFIXED = onTokens(`(?:${alternation(allWords('headcountPrefixes'))}) (${STRICT_COUNT_SOURCE})`);
const SUFFIXED = onTokens(`(${STRICT_COUNT_SOURCE}) (?:${alternation(allWords('headcountSuffixes'))})`);
const GROUPS = allEntries('groupPhrases');
const GROUP = GROUPS.size > 0 ? onTokens(alternation(GROUPS.keys())) : undefined;
const BARE_FOR = onTokens(`(?:${alternation(allWords('forWords'))}) (${STRICT_COUNT_SOURCE})`);
const AFTER_BARE_FOR = new RegExp(
  `^(?:${TIME_CUE_SOURCE}|${alternation([
    ...allWords('conjunctions'),
    ...Object.keys(allEntries('relativeDays')),
    'on',
    'in',
    'tonight',
    'this',
    'next',
    'esta',
    'ce',
    'heute',
    'morgen',
    'oggi',
    'hoje',
  ])})(?= |$)`,
);

const inRange = (value: number | undefined): value is number =>
  value !== undefined && value >= 1 && value <= 99;

function afterBareForIsFree(text: EntityText, end: number): boolean {
  const next = text.tokenAfter(end);
  if (next === '' || isMasked(next) || next === '.' || COURTESY.has(next)) return true;
  return AFTER_BARE_FOR.test(text.text.slice(end + 1));
}

/** The number of people, masking what it reads. */
export function extractPeople(text: EntityText): number | undefined {
  let found: number | undefined;
  const keep = (match: RegExpExecArray, value: number | undefined): void => {
    if (!inRange(value)) return;
    text.mask(match.index, match.index + match[0].length);
    found ??= value;
  };

  for (const match of text.matches(LIST)) {
    const parts = [...match[0].matchAll(LIST_PART)].map((part) => part[1] ?? '');
    if (parts.length === 1 && ARTICLES.has(parts[0] ?? '')) continue;
    keep(
      match,
      parts.reduce((sum, part) => sum + (numberValue(part) ?? 0), 0),
    );
  }
  if (found !== undefined) return found;

  for (const pattern of [PREFIXED, SUFFIXED]) {
    for (const match of text.matches(pattern)) keep(match, numberValue(match[1] ?? ''));
  }
  if (GROUP) for (const match of text.matches(GROUP)) keep(match, GROUPS.get(match[0]));
  if (found !== undefined) return found;

  for (const match of text.matches(BARE_FOR)) {
    if (afterBareForIsFree(text, match.index + match[0].length)) keep(match, numberValue(match[1] ?? ''));
  }
  return found;
}
