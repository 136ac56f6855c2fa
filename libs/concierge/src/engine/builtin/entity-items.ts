import { type Item } from '../intent-taxonomy';
import { allWords, ENTITY_LANGUAGES, type EntityLanguage, LEXICONS } from './entity-lexicon';
import { alternation, type EntityText, isMasked, stickyTokens } from './entity-text';
import { ARTICLES, COUNT_WORDS, numberValue, PERSON_NOUNS } from './entity-words';
import { matchPrefixes, PREFIX_LENGTH } from './pattern-prefixes';

export interface ItemQuantity {
  item: Item;
  quantity: number;
}

/**
 * Items and their quantities.
 *
 * - An item phrase is matched at each token, the longest phrase of any language winning ("bath
 *   towels" beats "towels", "hot water" is not water). Phrases marked `?` in the lexicon (coffee,
 *   tea, German Eis) are supplies only with a supply cue before them ("more coffee", "some tea",
 *   "coffee capsules"); otherwise they are a food or drink order and not an item.
 * - The quantity is the number right before the item, across supply words, adjectives, units and
 *   "of" ("two more clean bath towels", "2 bottles of water", "ein paar Handtücher"), or right after
 *   it as "x3". No number = 1. Vague amounts ("some", "a few", "quelques", "einige") = 1, never a
 *   guessed 2. "a pair of"/"un par de"/"ein paar"/"un paio di" = 2, except for slippers, where a pair
 *   is one; "a couple of" = 2.
 * - A number applies to the item right after it only ("2 towels and pillows" → towel 2, pillow 1).
 * - Duplicates merge: explicit counts add up ("a towel and another towel" → 2); a mention without a
 *   count does not add to one with a count ("2 towels … the towels are wet" → 2).
 */

interface ItemPhrase {
  item: Item | null;
  pattern: RegExp;
  needsCue: boolean;
  /** Names the item's companion ("ironing board" for iron): counts as a mention, never adds one. */
  companion: boolean;
  language: EntityLanguage;
  strict: boolean;
}

function phrase(item: Item | null, source: string, language: EntityLanguage): ItemPhrase {
  let body = source;
  let needsCue = false;
  let strict = false;
  let companion = false;
  for (; /^[?!~]/.test(body); body = body.slice(1)) {
    if (body.startsWith('?')) needsCue = true;
    else if (body.startsWith('!')) strict = true;
    else companion = true;
  }
  return { item, pattern: stickyTokens(body), needsCue, companion, language, strict };
}

const PHRASES: ItemPhrase[] = ENTITY_LANGUAGES.flatMap((language) => {
  const lexicon = LEXICONS[language];
  const items = Object.entries(lexicon.items) as [Item, readonly string[]][];
  return [
    ...items.flatMap(([item, sources]) => sources.map((source) => phrase(item, source, language))),
    ...lexicon.notItems.map((source) => phrase(null, source, language)),
  ];
});

/**
 * The phrases by the beginnings their matches can have (pattern-prefixes: conservative, so a
 * phrase is never missed): at a token only those whose beginning is there are tried, not all of
 * the six languages' phrases. `always`: phrases the analysis cannot bound.
 */
const CANDIDATES = (() => {
  const byPrefix = new Map<string, number[]>();
  const always: number[] = [];
  PHRASES.forEach((candidate, index) => {
    const body = candidate.pattern.source.slice('(?:'.length, -')(?= )'.length);
    const found = matchPrefixes(new RegExp(body));
    if (!found) return void always.push(index);
    for (const prefix of new Set(found.prefixes))
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), index]);
  });
  return { byPrefix, always };
})();

/** Indexes into PHRASES of the phrases that may match at `position`, in PHRASES order. */
function candidatesAt(text: string, position: number): number[] {
  const found = [...CANDIDATES.always];
  for (let length = 1; length <= PREFIX_LENGTH && position + length <= text.length; length++) {
    const ids = CANDIDATES.byPrefix.get(text.slice(position, position + length));
    if (ids) found.push(...ids);
  }
  return found.sort((a, b) => a - b);
}

interface PhraseMatch {
  phrase: ItemPhrase;
  end: number;
}

/** The longest item (or not-item) phrase starting at a token start, if any (the first one of the longest). */
function phraseAt(
  text: string,
  position: number,
  language: EntityLanguage | undefined,
): PhraseMatch | undefined {
  let best: PhraseMatch | undefined;
  for (const index of candidatesAt(text, position)) {
    const candidate = PHRASES[index];
    if (candidate.strict && candidate.language !== language) continue;
    candidate.pattern.lastIndex = position;
    const match = candidate.pattern.exec(text);
    if (match && (!best || position + match[0].length > best.end)) {
      best = { phrase: candidate, end: position + match[0].length };
    }
  }
  return best;
}

const MORE = allWords('more');
const ANOTHER = allWords('another');
const UNITS = allWords('units');
const PAIRS = allWords('pairUnits');
const COUPLES = allWords('coupleUnits');
/** Words between a count and its item; never a number word ("dos" is Spanish 2, not Portuguese "of the"). */
const BETWEEN = [
  ...MORE,
  ...ANOTHER,
  ...allWords('modifiers'),
  ...UNITS,
  ...PAIRS,
  ...COUPLES,
  ...allWords('connectors'),
].filter((word) => !COUNT_WORDS.has(word) && !ARTICLES.has(word));
const BETWEEN_SOURCE = alternation(BETWEEN);
const VAGUE = allWords('vague');
const VAGUE_SET = new Set(VAGUE);
const COUNT_BEFORE = `\\d{1,2} ?x|\\d{1,2}|${alternation([...VAGUE, ...COUNT_WORDS.keys(), ...ARTICLES])}`;

/** What may stand before an item, ending right before it: (words) (count) (words). */
const BEFORE_ITEM = new RegExp(
  `(?<= )((?:(?:${BETWEEN_SOURCE}) ){0,2})(?:(${COUNT_BEFORE}) )?((?:(?:${BETWEEN_SOURCE}) ){0,4})$`,
);
const AFTER_ITEM = /^ x ?(\d{1,2})(?= )/;
const hasWord = (words: string[]): RegExp => new RegExp(`(?:^| )(?:${alternation(words)}) `);
const SUPPLY_CUE = hasWord([...MORE, ...ANOTHER, ...UNITS, ...PAIRS, ...COUPLES]);
const ANOTHER_WORD = ANOTHER.length > 0 ? hasWord(ANOTHER) : /$^/;
const PAIR_WORD = hasWord(PAIRS);
const COUPLE_WORD = hasWord(COUPLES);
const BETWEEN_WORDS = new Set(BETWEEN.filter((word) => !word.includes(' ')));

interface Counted {
  quantity: number;
  explicit: boolean;
  cue: boolean;
  start: number;
  end: number;
}

function countAround(text: EntityText, start: number, end: number, item: Item): Counted {
  const before = BEFORE_ITEM.exec(text.text.slice(0, start));
  const words = `${before?.[1] ?? ''}${before?.[3] ?? ''}`;
  const count = before?.[2];
  const vague = count !== undefined && VAGUE_SET.has(count);
  let quantity = 1;
  let explicit = false;
  if (count !== undefined && !vague) {
    quantity = Math.max(1, numberValue(count.replace(/^(\d+) ?x$/, '$1')) ?? 1);
    explicit = true;
  }
  if (ANOTHER_WORD.test(` ${words}`)) explicit = true;
  if (COUPLE_WORD.test(` ${words}`) || (PAIR_WORD.test(` ${words}`) && item !== 'slippers')) {
    quantity *= 2;
    explicit = true;
  }
  let last = end;
  const after = AFTER_ITEM.exec(text.text.slice(end));
  if (after) {
    quantity = Number(after[1]);
    explicit = true;
    last = end + after[0].length;
  }
  return {
    quantity,
    explicit,
    cue: vague || SUPPLY_CUE.test(` ${words}`),
    start: before ? before.index : start,
    end: last,
  };
}

/** Items with quantities, merged, in order of first mention; masks what it reads. */
export function extractItems(text: EntityText, language: EntityLanguage | undefined): ItemQuantity[] {
  const merged = new Map<Item, { quantity: number; explicit: boolean }>();
  let position = 1;
  while (position < text.text.length) {
    const token = text.tokenAt(position);
    if (token === '') break;
    const found = isMasked(token) ? undefined : phraseAt(text.text, position, language);
    if (!found) {
      position += token.length + 1;
      continue;
    }
    const { item } = found.phrase;
    if (item === null) {
      text.mask(position, found.end);
      position = found.end + 1;
      continue;
    }
    const counted = countAround(text, position, found.end, item);
    if (found.phrase.companion) counted.explicit = false;
    if (found.phrase.needsCue && !counted.cue) {
      position = found.end + 1;
      continue;
    }
    text.mask(counted.start, counted.end);
    position = counted.end + 1;
    const previous = merged.get(item);
    if (!previous) {
      merged.set(item, { quantity: counted.quantity, explicit: counted.explicit });
    } else if (previous.explicit && counted.explicit) {
      previous.quantity += counted.quantity;
    } else {
      previous.quantity = Math.max(previous.quantity, counted.quantity);
      previous.explicit ||= counted.explicit;
    }
  }
  return [...merged].map(([item, { quantity }]) => ({ item, quantity }));
}

/**
 * Whether the tokens at `position` name something counted (an item or people), skipping
 * up to two supply words or adjectives: "a las 2 toallas" is not a time, "room 12 towels" not a room.
 */
export function startsCountable(
  text: EntityText,
  position: number,
  language: EntityLanguage | undefined,
): boolean {
  let at = position;
  for (let step = 0; step < 3; step++) {
    const token = text.tokenAt(at);
    if (token === '' || isMasked(token)) return false;
    if (PERSON_NOUNS.has(token)) return true;
    if (phraseAt(text.text, at, language)?.phrase.item) return true;
    if (!BETWEEN_WORDS.has(token)) return false;
    at += token.length + 1;
  }
  return false;
}
