import { startsCountable } from './entity-items';
import { allWords, type EntityLanguage } from './entity-lexicon';
import { alternation, type EntityText, isMasked, onTokens } from './entity-text';
import { COURTESY } from './entity-words';

/**
 * The guest's room number: digits with an optional letter ("204", "1512", "12B"; the letter upper
 * case), as a string.
 *
 * - After a room word, with up to three filler words: "room 204", "rm 1512", "room number 204",
 *   "habitación 305", "hab. 305", "mi habitación es la 305", "chambre n° 12", "Zimmer Nr. 410",
 *   "camera 221", "quarto 18", "suite 12B", "#204". One or two digits right before an item or people
 *   are a quantity instead ("Zimmer 5 Handtücher" is no room).
 * - Otherwise a bare 3–4 digit number after a preposition ("to 204", "in 204", "a la 305", "nella
 *   221", "no 305"), or opening or closing the message (greetings and "please"/"thanks" aside):
 *   "204 two towels please", "towels please, 1512" (what other passes understood is skipped too:
 *   "2 towels 204 at 7pm" → 204).
 * - Never a year (19xx/20xx without a room word) or a clock reading after a time word ("at 1540"),
 *   nor a time, a date, a price, a phone number, a quantity, a head count, a measure or a code:
 *   those passes run first and mask their numbers.
 * - Several rooms: the first after a room word ("from room 204 to room 305" → 204).
 */

const ROOM_NUMBER = '(\\d{1,4}(?:[a-dfg])?)';
const EXPLICIT = onTokens(
  `(?:${alternation(allWords('roomWords'))})(?: (?:${alternation(allWords('roomFillers'))})){0,3} ${ROOM_NUMBER}`,
);
const AFTER_PREPOSITION = onTokens(`(?:${alternation(allWords('roomPrepositions'))}) (\\d{3,4}[a-dfg]?)`);
const BARE = /^\d{3,4}[a-dfg]?$/;
const YEAR = /^(?:19|20)\d\d$/;
/** "at 1540": a clock reading after a time word is neither a time (see entity-times) nor a room. */
const CLOCK = /^(?:[01]?\d|2[0-3])[0-5]\d$/;
const TIME_CUES = new Set(allWords('timeCues'));

const roomValue = (raw: string): string => raw.toUpperCase();

/** A room named with a room word ("room 204"); runs before the other passes and masks it. */
export function extractExplicitRoom(
  text: EntityText,
  language: EntityLanguage | undefined,
): string | undefined {
  let found: string | undefined;
  for (const match of text.matches(EXPLICIT)) {
    const value = match[1] ?? '';
    const end = match.index + match[0].length;
    if (/^\d{1,2}$/.test(value) && startsCountable(text, end + 1, language)) continue;
    if (/^\d{1,2}$/.test(value) && /^ (?::|\.\d)/.test(text.text.slice(end))) continue;
    text.mask(match.index, end);
    found ??= roomValue(value);
  }
  return found;
}

/** A bare 3–4 digit room number, once everything else has been masked. */
export function extractBareRoom(text: EntityText): string | undefined {
  for (const match of text.matches(AFTER_PREPOSITION)) {
    const value = match[1] ?? '';
    if (!YEAR.test(value)) return roomValue(value);
  }
  const tokens = text
    .tokens()
    .filter(({ token }) => !COURTESY.has(token) && token !== '.' && !isMasked(token));
  for (const candidate of [tokens[0], tokens[tokens.length - 1]]) {
    if (!candidate || !BARE.test(candidate.token) || YEAR.test(candidate.token)) continue;
    if (CLOCK.test(candidate.token) && TIME_CUES.has(text.tokenBefore(candidate.start))) continue;
    return roomValue(candidate.token);
  }
  return undefined;
}
