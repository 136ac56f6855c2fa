import { type Item } from '../intent-taxonomy';
import { DE } from './entity-lexicon.de';
import { EN } from './entity-lexicon.en';
import { ES } from './entity-lexicon.es';
import { FR } from './entity-lexicon.fr';
import { IT } from './entity-lexicon.it';
import { PT } from './entity-lexicon.pt';

export type EntityLanguage = 'en' | 'es' | 'fr' | 'de' | 'it' | 'pt';
export type DayPart = 'morning' | 'afternoon' | 'evening' | 'night';

/**
 * One language's words for the builtin entity extractor. Every entry is written the way the
 * extractor's working text spells it: lower case, accents removed, ß as ss, apostrophes and hyphens
 * as a single space ("l'eau" → `l eau`, "sèche-cheveux" → `seche cheveux`), words separated by one space.
 *
 * The extractor accepts every language's words in every message (guests mix languages); the
 * language hint only switches on the `!` item phrases and the German reading of a spaced "am".
 */
export interface EntityLexicon {
  /** Cardinal numbers as words, 1–12 ("two", "dos", "zwei"); values may repeat (un/une = 1). */
  numbers: Readonly<Record<string, number>>;
  /** Twelve as a count ("a dozen towels", "une douzaine"); never an hour. */
  dozens: readonly string[];
  /** Indefinite articles: one before an item ("a towel"), never a head count or an hour alone. */
  articles: readonly string[];
  /** Vague amounts, counted as ONE item ("some towels", "quelques serviettes"): 2 would be a guess. */
  vague: readonly string[];
  /** "another": an explicit one ("otra almohada" = pillow × 1 that adds to an earlier pillow). */
  another: readonly string[];
  /** Supply words that may stand between a number and the item ("two more towels") and mark a supply. */
  more: readonly string[];
  /** Adjectives that may stand between a number and the item ("two clean towels", "zwei frische"). */
  modifiers: readonly string[];
  /** Containers and packs between a number and the item ("two bottles of water" → water × 2). */
  units: readonly string[];
  /** "pair": × 2, except for slippers where a pair is one ("un par de almohadas" → pillow × 2). */
  pairUnits: readonly string[];
  /** "couple": always × 2 ("a couple of towels" → towel × 2). */
  coupleUnits: readonly string[];
  /** Little words between a unit and the item ("of", "de", "d", "di"). */
  connectors: readonly string[];
  /**
   * Item phrases: small regular-expression sources over the working text (`toallas? de playa`).
   * Prefix `?`: a supply only with a supply cue (a `more`/`another`/unit/vague word before it, as in
   * "more coffee", "some tea"); without one it is a food or drink order and not an item.
   * Prefix `!`: only when the language hint is this language (French "the" = tea).
   * Prefix `~`: a companion of the item ("ironing board" → iron) that never adds to its count.
   */
  items: Readonly<Partial<Record<Item, readonly string[]>>>;
  /** Phrases that look like items but are not (regular-expression sources): "ice cream", "hot water". */
  notItems: readonly string[];

  /** Words for a room directly before its number: "room", "habitacion", "zimmer", "#". */
  roomWords: readonly string[];
  /** Words allowed between a room word and the number: "number", "no", "is", "la". */
  roomFillers: readonly string[];
  /** Prepositions that make a bare 3–4 digit number a room: "to 204", "in 204", "a la 305". */
  roomPrepositions: readonly string[];
  /** Greetings and courtesy words skipped when a bare number opens or closes the message. */
  courtesy: readonly string[];

  /** Nouns for people in a head count: "people", "adults", "ninos", "Personen". */
  personNouns: readonly string[];
  /** Phrases directly followed by a head count: "table for", "we are", "family of". */
  headcountPrefixes: readonly string[];
  /** Phrases directly following a head count: "of us" ("four of us"). */
  headcountSuffixes: readonly string[];
  /** Fixed group phrases: German "zu viert" = 4. */
  groupPhrases: Readonly<Record<string, number>>;
  /** "for" before a bare head count ("dinner for two"). */
  forWords: readonly string[];
  /** "and" between parts of a head count ("2 adults and 1 child"). */
  conjunctions: readonly string[];

  /** Words before an hour said without minutes or am/pm ("at 7", "a las 7", "um 8", "alle 8"). */
  timeCues: readonly string[];
  /** Words after an hour: "o clock", "horas", "heures", "uhr". */
  hourUnits: readonly string[];
  /** Words that make "2 h" a duration, not a time ("in 2 h", "dans 2 h"). */
  durationCues: readonly string[];
  /** Day parts, after an hour ("6 de la tarde") or anywhere as context ("tonight at 8"). */
  dayParts: Readonly<Record<string, DayPart>>;
  /** 12:00 and 00:00. */
  noon: readonly string[];
  midnight: readonly string[];
  /** Minutes after an hour: "y media" 30, "et quart" 15, "thirty" 30; negative: "menos cuarto" -15. */
  minuteSuffixes: Readonly<Record<string, number>>;

  /** Days from today: "today" 0, "tomorrow" 1, "day after tomorrow" 2. */
  relativeDays: Readonly<Record<string, number>>;
  /** Weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: Readonly<Record<string, number>>;
  /** Weekdays that are also common words (Portuguese "segunda"): only after a `weekdayGuards` word. */
  guardedWeekdays: Readonly<Record<string, number>>;
  weekdayGuards: readonly string[];
  /** "next" before or after a weekday: strictly after today. */
  nextBefore: readonly string[];
  nextAfter: readonly string[];
  /** Month names and safe abbreviations, 1–12. */
  months: Readonly<Record<string, number>>;
  /** Words before a bare day of the month: "on the", "el", "le", "am", "il", "dia". */
  dayPrefixes: readonly string[];
  /** Words for "first" as a day of the month ("premier decembre"). */
  firstDay: readonly string[];

  /** Currency words and symbols after or before a price. */
  currencies: readonly string[];
  /** Units after a number that is a measure, not a room, time or item count ("3 nights", "200 m"). */
  measureUnits: readonly string[];
  /** Hours as a duration ("2 hours", "24h") once times are taken. */
  hourDurations: readonly string[];
  /** "floor", "piso", "etage": the number is a floor. */
  floorWords: readonly string[];
  /** Phone words: a shorter digit run after them is a phone number too. */
  phoneWords: readonly string[];
  /** Password and code words: the next token with digits is a secret, not a room. */
  passwordWords: readonly string[];
  /** Words between a password word and its value ("password is", "clave del wifi"). */
  passwordFillers: readonly string[];
  /** Numbered things that are not rooms: "flight", "table", "channel", "seat". */
  numberedThings: readonly string[];
}

export const LEXICONS: Readonly<Record<EntityLanguage, EntityLexicon>> = {
  en: EN,
  es: ES,
  fr: FR,
  de: DE,
  it: IT,
  pt: PT,
};

export const ENTITY_LANGUAGES = Object.keys(LEXICONS) as EntityLanguage[];

/** The language of a hint such as "es", "pt-BR" or "French"; undefined when it is none of the six. */
export function entityLanguage(hint: string): EntityLanguage | undefined {
  const code = hint.trim().toLowerCase().slice(0, 2);
  return (ENTITY_LANGUAGES as string[]).includes(code) ? (code as EntityLanguage) : undefined;
}

type ListKey = {
  [K in keyof EntityLexicon]: EntityLexicon[K] extends readonly string[] ? K : never;
}[keyof EntityLexicon];
type MapKey = {
  [K in keyof EntityLexicon]: EntityLexicon[K] extends Readonly<Record<string, number>> ? K : never;
}[keyof EntityLexicon];

/** Every language's words of one list, without duplicates. */
export function allWords(key: ListKey): string[] {
  return [...new Set(ENTITY_LANGUAGES.flatMap((language) => LEXICONS[language][key]))];
}

/** Every language's entries of one table; the first language wins a clash. */
export function allEntries(key: MapKey): Map<string, number> {
  const merged = new Map<string, number>();
  for (const language of ENTITY_LANGUAGES) {
    for (const [word, value] of Object.entries(LEXICONS[language][key])) {
      if (!merged.has(word)) merged.set(word, value);
    }
  }
  return merged;
}

/** Every language's day parts. */
export function allDayParts(): Map<string, DayPart> {
  const merged = new Map<string, DayPart>();
  for (const language of ENTITY_LANGUAGES) {
    for (const [phrase, part] of Object.entries(LEXICONS[language].dayParts)) {
      if (!merged.has(phrase)) merged.set(phrase, part);
    }
  }
  return merged;
}
