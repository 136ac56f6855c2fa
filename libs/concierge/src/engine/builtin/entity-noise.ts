import { allWords } from './entity-lexicon';
import { alternation, type EntityText, onTokens } from './entity-text';
import { PERSON_NOUNS } from './entity-words';

/**
 * Numbers that are none of the entities, masked before any entity pass so they are never read as
 * a room, a time, a quantity or a head count: phone numbers and other long digit runs, numbered
 * things (flight BA 249, table 12, channel 204), passwords and codes, prices, percentages,
 * temperatures, measures (3 nights, 200 m) and floors (3rd floor, piso 3).
 */

const PHONE_WORDS = alternation(allWords('phoneWords'));
const PHONE_RUN = onTokens(`(?:\\+ )?\\d[\\d-]*(?: \\d[\\d-]*)*`);
const DATE_LIKE = /^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-(?:\d{2}|\d{4})$/;

function maskPhones(text: EntityText): void {
  for (const match of text.matches(PHONE_RUN)) {
    const tokens = match[0].split(' ');
    if (tokens.some((token) => DATE_LIKE.test(token))) continue;
    const digits = match[0].replace(/\D/g, '').length;
    const plus = match[0].startsWith('+');
    const afterPhoneWord = new RegExp(
      `(?:^| )(?:${PHONE_WORDS})(?: (?:is|es|est|ist|e|number|numero|nummer))? $`,
    ).test(text.text.slice(0, match.index));
    const longest = Math.max(...tokens.map((token) => token.replace(/\D/g, '').length));
    if (digits >= 7 || (plus && digits >= 6) || (afterPhoneWord && digits >= 5) || longest >= 5) {
      text.mask(match.index, match.index + match[0].length);
    }
  }
}

/** Little words that are never a flight or seat code ("table for 2" is a head count). */
const NOT_A_CODE =
  'for|para|pour|per|fur|fuer|of|to|de|da|di|in|en|a|the|is|es|est|ist|e|at|um|alle|as|and|und|y|et|with|mit|con|com';
const NUMBERED = onTokens(
  `(?:${alternation(allWords('numberedThings'))}) (?:(?!(?:${NOT_A_CODE}) )[a-z]{1,3} )?(\\d+[a-z]?)`,
);

function maskNumberedThings(text: EntityText): void {
  for (const match of text.matches(NUMBERED)) {
    const value = match[1] ?? '';
    const end = match.index + match[0].length;
    if (PERSON_NOUNS.has(text.tokenAfter(end))) continue; // "mesa 4 personas" is a head count
    text.mask(end - value.length, end);
  }
}

const PASSWORD = onTokens(
  `(?:${alternation(allWords('passwordWords'))})(?: (?:${alternation(allWords('passwordFillers'))})){0,3} ([a-z]*\\d[^ ]*)`,
);

function maskPasswords(text: EntityText): void {
  for (const match of text.matches(PASSWORD)) {
    const value = match[1] ?? '';
    const end = match.index + match[0].length;
    text.mask(end - value.length, end);
  }
}

const AMOUNT = `\\d+(?:[.,]\\d+)*`;
const CURRENCY = alternation(allWords('currencies'));
const PRICE_BEFORE = onTokens(`(?:€|\\$|£|usd|eur|gbp|chf|brl|mxn|us \\$|r \\$) ${AMOUNT}`);
const PRICE_AFTER = onTokens(`${AMOUNT} (?:${CURRENCY}|€|\\$|£)`);
const MEASURE = onTokens(`${AMOUNT} (?:${alternation(allWords('measureUnits'))})`);
const FLOOR_WORDS = alternation(allWords('floorWords'));
const FLOOR = onTokens(
  `\\d{1,2}(?:st|nd|rd|th|e|eme|er|o|a|º)?(?: \\.)? (?:${FLOOR_WORDS})|(?:${FLOOR_WORDS}) \\d{1,2}`,
);
const ALWAYS_NOISE = onTokens(`24 ?/ ?7|24h|24 h|24 hours|24 horas|24 heures|24 stunden|24 ore`);

function maskAll(text: EntityText, pattern: RegExp): void {
  for (const match of text.matches(pattern)) text.mask(match.index, match.index + match[0].length);
}

/** Masks every number that is none of the entities. */
export function maskNoise(text: EntityText): void {
  maskPhones(text);
  maskNumberedThings(text);
  maskPasswords(text);
  maskAll(text, PRICE_BEFORE);
  maskAll(text, PRICE_AFTER);
  maskAll(text, MEASURE);
  maskAll(text, FLOOR);
  maskAll(text, ALWAYS_NOISE);
}

const HOUR_DURATION = onTokens(`${AMOUNT} ?(?:${alternation(allWords('hourDurations'))})`);

/** Masks hours that are durations ("2 hours", "24h"); run after times are taken. */
export function maskDurations(text: EntityText): void {
  maskAll(text, HOUR_DURATION);
}
