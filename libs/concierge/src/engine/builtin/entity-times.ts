import { startsCountable } from './entity-items';
import {
  allDayParts,
  allEntries,
  allWords,
  type DayPart,
  type EntityLanguage,
  LEXICONS,
} from './entity-lexicon';
import { alternation, type EntityText, onTokens } from './entity-text';
import { TIME_CUE_SOURCE } from './entity-time-words';
import { HOUR_SOURCE, numberValue } from './entity-words';

/**
 * Times of day, as HH:MM on a 24-hour clock.
 *
 * - Always a time: "7:30", "7am", "7 p.m.", "730pm", "19h", "07h30", "8 Uhr", "20 Uhr 30", "halb acht"
 *   (German "halb" is half BEFORE: 07:30), "viertel nach 7", "viertel vor 8", "half past 6", "quarter
 *   to 8", noon/midnight words ("mediodía", "midi", "Mittag", "mezzogiorno", "meio-dia" → 12:00), an
 *   hour with a day part ("6 de la tarde", "8 du matin", "8 in the morning"), with "o'clock", or
 *   with minutes in words ("7 y media", "7 heures et demie", "seven thirty").
 * - An hour alone needs a time word before it: "at 7", "a las 7", "à 7", "um 8", "alle 8", "às 7".
 *   Not when a counted thing follows ("at 2 towels" is no time), and never "24h", "2 hours", a price,
 *   a room number (3–4 digits) or a date.
 * - Day parts: an attached one decides ("6 de la tarde" → 18:00, "de la noche" → +12 from 6 to 11,
 *   "12 de la noche" → 00:00). Otherwise a day part anywhere in the message moves an hour from 1 to
 *   11 said without am/pm and without a leading zero to the afternoon ("tonight at 8" → 20:00, "ce soir
 *   à 7h" → 19:00, "heute Abend um halb acht" → 19:30).
 * - An ambiguous hour with no day part stays as said: "at 7" → 07:00 (the integrator may prefer the
 *   evening for dinner bookings; the extractor does not guess).
 * - Several times: the most explicit kind wins (tier), then the first mentioned.
 */

interface TimeCandidate {
  tier: number;
  index: number;
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
  part?: DayPart;
  /** 24-hour clock evident (leading zero or hour ≥ 13): no day-part shift. */
  absolute: boolean;
}

const CUE = TIME_CUE_SOURCE;
const HOUR = HOUR_SOURCE;
const MERIDIEM = '(am|pm|a m|p m)';
const HOUR_UNITS = alternation(allWords('hourUnits'));
const DURATION_CUES = new Set(allWords('durationCues'));
/** "at 2 hours" is no time; "a las 8 horas" is (horas is also an hour unit). */
const DURATIONS = new Set(allWords('hourDurations').filter((word) => !allWords('hourUnits').includes(word)));
const DAY_PARTS = allDayParts();
const DAY_PART_SOURCE = alternation(DAY_PARTS.keys());
const MINUTE_SUFFIXES = allEntries('minuteSuffixes');

const COLON = onTokens(`(\\d{1,2}):(\\d{2})(?:h| ?${MERIDIEM})?`);
const WITH_MERIDIEM = onTokens(`(${HOUR})(?:[.:h](\\d{2}))? ?${MERIDIEM}`);
const COMPACT_MERIDIEM = onTokens(`(\\d{1,2})(\\d{2}) ?${MERIDIEM}`);
const H_FORMAT = onTokens('(\\d{1,2}) ?h(?: ?(\\d{2}))?');
const MILITARY = onTokens('([01]\\d|2[0-3])([0-5]\\d) ?(?:h|hrs|hours|uhr)');
const MILITARY_CUED = onTokens(`(?:${CUE}) (0\\d)([0-5]\\d)`);
const UHR = onTokens(`(${HOUR})(?:[.:](\\d{2}))? uhr(?: (\\d{1,2})(?! min))?`);
const DOTTED_CUED = onTokens(`(?:${CUE}) (\\d{1,2})\\.(\\d{2})`);
const NOON = onTokens(alternation(allWords('noon')));
const MIDNIGHT = onTokens(alternation(allWords('midnight')));
const BARE = onTokens(`(?:(${CUE}) )?(${HOUR})`);

/** Phrases around an hour, each as [pattern, hour offset, minute]. */
const RELATIVE_HOURS: [RegExp, number, number][] = [
  [onTokens(`(?:um )?halb (${HOUR})`), -1, 30],
  [onTokens(`viertel nach (${HOUR})`), 0, 15],
  [onTokens(`(?:viertel vor|dreiviertel) (${HOUR})`), -1, 45],
  [onTokens(`half past (${HOUR})`), 0, 30],
  [onTokens(`(?:a )?quarter past (${HOUR})`), 0, 15],
  [onTokens(`(?:a )?quarter (?:to|till|before|of) (${HOUR})`), -1, 45],
];
const BRITISH_HALF = onTokens(`half (${HOUR})`);

const AT = (source: string): RegExp => new RegExp(source, 'y');
const MINUTE_SUFFIX = AT(
  `(?: (?:${HOUR_UNITS}))? (?:(${alternation(MINUTE_SUFFIXES.keys())})|(?:y|e|et|und) (\\d{2}))(?= )`,
);
const DAY_PART_SUFFIX = AT(`(?: (?:${HOUR_UNITS}))? (${DAY_PART_SOURCE})(?= )`);
const HOUR_UNIT_SUFFIX = AT(`(?: (${HOUR_UNITS}))(?= )`);
/** Hour units that make a bare hour a time on their own ("7 o'clock"); "7 horas" may be a duration. */
const CLOCK_UNITS = new Set(['o clock', 'oclock', 'uhr', 'en punto', 'em ponto', 'in punto']);
/** German "am" before these is "on the", not a.m.: "um 7 am Montag". */
const GERMAN_AM_FOLLOWERS = new Set([
  ...Object.keys(LEXICONS.de.weekdays),
  'morgen',
  'abend',
  'nachmittag',
  'vormittag',
  'mittag',
  'wochenende',
]);

const hourOf = (token: string | undefined): number | undefined =>
  token === undefined ? undefined : numberValue(token);

interface Extension {
  end: number;
  minuteShift: number;
  minuteSet?: number;
  part?: DayPart;
  unit?: string;
}

/** Minutes in words, an hour unit and a day part right after an hour. */
function extend(text: EntityText, end: number, allowMinutes: boolean): Extension {
  const extension: Extension = { end, minuteShift: 0 };
  if (allowMinutes) {
    MINUTE_SUFFIX.lastIndex = extension.end;
    const minutes = MINUTE_SUFFIX.exec(text.text);
    if (minutes) {
      if (minutes[1] !== undefined) extension.minuteShift = MINUTE_SUFFIXES.get(minutes[1]) ?? 0;
      else extension.minuteSet = Number(minutes[2]);
      extension.end += minutes[0].length;
    }
  }
  HOUR_UNIT_SUFFIX.lastIndex = extension.end;
  const unit = HOUR_UNIT_SUFFIX.exec(text.text);
  if (unit) {
    extension.unit = unit[1];
    extension.end += unit[0].length;
  }
  DAY_PART_SUFFIX.lastIndex = extension.end;
  const part = DAY_PART_SUFFIX.exec(text.text);
  if (part) {
    extension.part = DAY_PARTS.get(part[1] ?? '');
    extension.end += part[0].length;
  }
  return extension;
}

function shiftToPart(hour: number, part: DayPart): number {
  switch (part) {
    case 'morning':
      return hour;
    case 'afternoon':
    case 'evening':
      return hour >= 1 && hour <= 11 ? hour + 12 : hour;
    case 'night':
      if (hour === 12) return 0;
      return hour >= 6 && hour <= 11 ? hour + 12 : hour;
  }
}

function clock(candidate: TimeCandidate, context: DayPart | undefined): string | undefined {
  let { hour, minute } = candidate;
  if (minute < 0) {
    hour = hour === 1 ? 12 : hour === 0 ? 23 : hour - 1;
    minute += 60;
  }
  if (candidate.meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    if (candidate.meridiem === 'am' && hour === 12) hour = 0;
    if (candidate.meridiem === 'pm' && hour < 12) hour += 12;
  } else if (candidate.part) {
    hour = shiftToPart(hour, candidate.part);
  } else if (context && !candidate.absolute && hour >= 1 && hour <= 11 && context !== 'night') {
    hour = shiftToPart(hour, context);
  } else if (context === 'night' && !candidate.absolute && hour >= 6 && hour <= 11) {
    hour = shiftToPart(hour, context);
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The time the message asks for, as HH:MM; masks every time it reads. */
export function extractTime(text: EntityText, language: EntityLanguage | undefined): string | undefined {
  const candidates: TimeCandidate[] = [];
  const take = (
    match: RegExpExecArray,
    tier: number,
    hour: number | undefined,
    minute: number,
    options: { meridiem?: string; absolute?: boolean; minutes?: boolean } = {},
  ): void => {
    if (hour === undefined || hour > 24) return;
    const extension = extend(text, match.index + match[0].length, options.minutes ?? false);
    const meridiem = options.meridiem?.replace(' ', '');
    candidates.push({
      tier,
      index: match.index,
      hour,
      minute: extension.minuteSet ?? minute + extension.minuteShift,
      meridiem: meridiem === 'am' || meridiem === 'pm' ? meridiem : undefined,
      part: extension.part,
      absolute: options.absolute ?? false,
    });
    text.mask(match.index, extension.end);
  };
  const padded = (token: string | undefined): boolean =>
    token !== undefined && ((token.length === 2 && token.startsWith('0')) || Number(token) >= 13);

  for (const match of text.matches(COLON)) {
    take(match, 3, Number(match[1]), Number(match[2]), { meridiem: match[3], absolute: padded(match[1]) });
  }
  for (const match of text.matches(COMPACT_MERIDIEM)) {
    take(match, 3, Number(match[1]), Number(match[2]), { meridiem: match[3] });
  }
  for (const match of text.matches(WITH_MERIDIEM)) {
    const spacedAm = / am$/.test(match[0]);
    const end = match.index + match[0].length;
    if (spacedAm && (language === 'de' || GERMAN_AM_FOLLOWERS.has(text.tokenAfter(end)))) continue;
    take(match, 3, hourOf(match[1]), Number(match[2] ?? 0), { meridiem: match[3] });
  }
  for (const match of text.matches(MILITARY)) {
    take(match, 3, Number(match[1]), Number(match[2]), { absolute: true });
  }
  for (const match of text.matches(H_FORMAT)) {
    if (DURATION_CUES.has(text.tokenBefore(match.index))) continue;
    const hour = Number(match[1]);
    if (hour > 23) continue;
    take(match, 3, hour, Number(match[2] ?? 0), {
      absolute: padded(match[1]),
      minutes: match[2] === undefined,
    });
  }
  for (const match of text.matches(UHR)) {
    take(match, 3, hourOf(match[1]), Number(match[2] ?? match[3] ?? 0), { absolute: padded(match[1]) });
  }
  for (const [pattern, offset, minute] of RELATIVE_HOURS) {
    for (const match of text.matches(pattern)) {
      const hour = hourOf(match[1]);
      if (hour === undefined) continue;
      const shifted = hour + offset;
      take(match, 3, shifted === 0 ? 12 : shifted, minute);
    }
  }
  for (const match of text.matches(NOON)) {
    const before = text.tokenBefore(match.index);
    if (before === 'apres' || before === 'zu' || before === 'l') continue;
    take(match, 3, 12, 0, { absolute: true, minutes: true });
  }
  for (const match of text.matches(MIDNIGHT)) take(match, 3, 0, 0, { absolute: true, minutes: true });
  for (const match of text.matches(MILITARY_CUED)) {
    take(match, 2, Number(match[1]), Number(match[2]), { absolute: true });
  }
  for (const match of text.matches(DOTTED_CUED)) {
    const hour = Number(match[1]);
    take(match, 2, hour, Number(match[2]), { absolute: padded(match[1]) });
  }
  for (const match of text.matches(BRITISH_HALF)) {
    const end = match.index + match[0].length;
    if (startsCountable(text, end + 1, language)) continue;
    take(match, 2, hourOf(match[1]), 30);
  }

  for (const match of text.matches(BARE)) {
    const cue = match[1];
    const token = match[2] ?? '';
    const hour = hourOf(token);
    const end = match.index + match[0].length;
    if (hour === undefined || hour > 23) continue;
    if (token === 'once' && language !== 'es') continue; // "come at once"
    const extension = extend(text, end, true);
    const minutes = extension.minuteShift !== 0 || extension.minuteSet !== undefined;
    const clockUnit = extension.unit !== undefined && CLOCK_UNITS.has(extension.unit);
    const explicit = minutes || extension.part !== undefined || clockUnit;
    if (!explicit && (startsCountable(text, end + 1, language) || DURATIONS.has(text.tokenAfter(end))))
      continue;
    if (cue === undefined && !explicit) continue;
    if (cue === undefined && !/^\d/.test(token) && !explicit) continue;
    take(match, explicit ? 2 : 1, hour, 0, { absolute: padded(token), minutes: true });
  }

  let context: DayPart | undefined;
  for (const match of text.original.matchAll(onTokens(DAY_PART_SOURCE))) {
    context = DAY_PARTS.get(match[0]);
    break;
  }
  candidates.sort((a, b) => b.tier - a.tier || a.index - b.index);
  for (const candidate of candidates) {
    const value = clock(candidate, context);
    if (value) return value;
  }
  return undefined;
}
