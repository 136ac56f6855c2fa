import { DateTime } from 'luxon';

import { startsCountable } from './entity-items';
import { allEntries, allWords, type EntityLanguage } from './entity-lexicon';
import { alternation, type EntityText, onTokens } from './entity-text';
import { HOUR_DURATION_WORDS, TIME_CUE_SOURCE } from './entity-time-words';

/**
 * Dates, resolved against the hotel's local date `today`:
 *
 * - Relative days: today/tomorrow/day after tomorrow in six languages, and "tonight", "esta noche",
 *   "ce soir", "heute Abend", "stasera", "esta noite" = today. Spanish "mañana" is tomorrow unless it
 *   follows "la"/"esta"/"cada" ("por la mañana" is a morning, no date; "mañana por la mañana" is
 *   tomorrow). German "morgen" is tomorrow unless it follows "guten", "am", "heute", "jeden"….
 * - Weekdays: the next occurrence on or after today (today's name = today); with "next"/"próximo"/
 *   "prochain"/"nächsten"/"prossimo"/"que vem" strictly after today (1–7 days).
 * - Numeric dates: day first (D/M) in every language; month first only when D/M is impossible and
 *   the separator is a slash ("11/28" → 28 November). "24/7" is not a date. "28.11" needs a trailing
 *   dot, a year or a date word before it ("am 28.11"), and never follows a time word ("um 19.30").
 *   "28-11" needs a year. ISO "2026-11-28" is taken as is.
 * - Month names: "Nov 28", "28 de noviembre", "le 28 novembre", "am 28. November", "il 28
 *   novembre", "dia 28 de novembro", "1er décembre".
 * - A bare day: "on the 28th", "the 28th", "el 28", "le 28", "am 28.", "il 28", "dia 28".
 * - Without a year: the next occurrence on or after today (a day-only date: this month or the next
 *   month that has that day). Two-digit years are 20yy.
 * - Several dates: the most specific kind wins (day + month > bare day > weekday or relative
 *   day), then the first mentioned. Past references ("yesterday") are not extracted.
 */

const MONTHS = allEntries('months');
const MONTH_SOURCE = alternation(MONTHS.keys());
const FIRST_DAY = allWords('firstDay');
const DAY_SOURCE = FIRST_DAY.length > 0 ? `\\d{1,2}|${alternation(FIRST_DAY)}` : '\\d{1,2}';
const ORDINAL = '(?:st|nd|rd|th|er|eme|e|o|a)?';
const DAY_PREFIX_SOURCE = alternation(allWords('dayPrefixes'));

const ISO = onTokens('(\\d{4})-(\\d{1,2})-(\\d{1,2})');
const NUMERIC = onTokens('(\\d{1,2})([/.-])(\\d{1,2})(?:\\2(\\d{4}|\\d{2}))?( \\.)?');
const DAY_MONTH = onTokens(
  `(?:(?:${DAY_PREFIX_SOURCE}) )?(${DAY_SOURCE})${ORDINAL}(?: \\.)?(?: (?:de|of|di|do|du))? (${MONTH_SOURCE})(?: \\.)?(?: (?:de |del |of )?(\\d{4}))?`,
);
const MONTH_DAY = onTokens(`(${MONTH_SOURCE})(?: \\.)? (?:the )?(\\d{1,2})(?:st|nd|rd|th)?(?: (\\d{4}))?`);
const ORDINAL_DAY = onTokens(
  '(?:(?:on|by|until|till|from|for|before|after) )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)',
);
const PREFIXED_DAY = onTokens(`(?:${DAY_PREFIX_SOURCE}) (\\d{1,2})(?:er|o|a)?( \\.)?`);

const RELATIVE = allEntries('relativeDays');
const RELATIVE_DAY = onTokens(alternation(RELATIVE.keys()));
const NOT_TOMORROW_BEFORE: Record<string, Set<string>> = {
  manana: new Set(['la', 'esta', 'cada', 'toda', 'media', 'una']),
  morgen: new Set([
    'guten',
    'gute',
    'am',
    'jeden',
    'diesen',
    'heute',
    'gestern',
    'einen',
    'schonen',
    'den',
    'morgen',
  ]),
};

const WEEKDAYS = allEntries('weekdays');
const GUARDED_WEEKDAYS = allEntries('guardedWeekdays');
const NEXT_BEFORE = alternation(allWords('nextBefore'));
const NEXT_AFTER = alternation(allWords('nextAfter'));
const WEEKDAY = onTokens(`(?:(${NEXT_BEFORE}) )?(${alternation(WEEKDAYS.keys())})(?: (${NEXT_AFTER}))?`);
const GUARDED_WEEKDAY = onTokens(
  `(?:(${alternation(allWords('weekdayGuards'))}) )?(?:(${NEXT_BEFORE}) )?(${alternation(GUARDED_WEEKDAYS.keys())})(?: (${NEXT_AFTER}))?`,
);

const TIME_CUE_BEFORE = new RegExp(`(?:^| )(?:${TIME_CUE_SOURCE}) $`);
const DATE_WORD_BEFORE = new RegExp(`(?:^| )(?:${DAY_PREFIX_SOURCE}|on|for|until|till|by) $`);
const TIME_WORD_AFTER = new RegExp(`^ (?:uhr|h|am|pm|a m|p m|hrs|o clock|${HOUR_DURATION_WORDS})(?= )`);

interface DateCandidate {
  rank: number;
  index: number;
  date: DateTime;
}

function onOrAfter(today: DateTime, month: number, day: number, year?: number): DateTime | undefined {
  if (year !== undefined) {
    const date = DateTime.fromObject({ year, month, day }, { zone: 'utc' });
    return date.isValid ? date : undefined;
  }
  for (let candidate = today.year; candidate <= today.year + 8; candidate++) {
    const date = DateTime.fromObject({ year: candidate, month, day }, { zone: 'utc' });
    if (date.isValid && date >= today) return date;
  }
  return undefined;
}

function dayOnOrAfter(today: DateTime, day: number): DateTime | undefined {
  if (day < 1 || day > 31) return undefined;
  for (let offset = 0; offset < 13; offset++) {
    const month = today.plus({ months: offset });
    const date = DateTime.fromObject({ year: month.year, month: month.month, day }, { zone: 'utc' });
    if (date.isValid && date >= today) return date;
  }
  return undefined;
}

const fullYear = (year: string | undefined): number | undefined =>
  year === undefined ? undefined : year.length === 2 ? 2000 + Number(year) : Number(year);

const dayNumber = (token: string): number => (/^\d+$/.test(token) ? Number(token) : 1);

/** The date the message refers to, as YYYY-MM-DD; masks every date it reads. */
export function extractDate(
  text: EntityText,
  todayIso: string,
  language: EntityLanguage | undefined,
): string | undefined {
  const today = DateTime.fromISO(todayIso, { zone: 'utc' }).startOf('day');
  if (!today.isValid) return undefined;
  const candidates: DateCandidate[] = [];
  const take = (match: RegExpExecArray, rank: number, date: DateTime | undefined): void => {
    text.mask(match.index, match.index + match[0].length);
    if (date) candidates.push({ rank, index: match.index, date });
  };

  for (const match of text.matches(ISO)) {
    take(match, 3, onOrAfter(today, Number(match[2]), Number(match[3]), Number(match[1])));
  }

  for (const match of text.matches(NUMERIC)) {
    const [, first, separator, second, year, trailingDot] = match;
    const end = match.index + match[0].length;
    const before = text.text.slice(0, match.index);
    if (match[0] === '24/7') continue;
    if (TIME_WORD_AFTER.test(text.text.slice(end))) continue;
    if (separator === '.' && TIME_CUE_BEFORE.test(before)) continue; // "um 19.30", "bis 10.30
    if (separator === '-' && year === undefined) continue;
    if (
      separator === '.' &&
      year === undefined &&
      trailingDot === undefined &&
      !DATE_WORD_BEFORE.test(before)
    )
      continue;
    const a = Number(first);
    const b = Number(second);
    const yearValue = fullYear(year);
    let date = b >= 1 && b <= 12 ? onOrAfter(today, b, a, yearValue) : undefined;
    if (!date && separator === '/' && a >= 1 && a <= 12) date = onOrAfter(today, a, b, yearValue);
    if (date) take(match, 3, date);
  }

  for (const match of text.matches(DAY_MONTH)) {
    const month = MONTHS.get(match[2] ?? '');
    if (month === undefined) continue;
    take(match, 3, onOrAfter(today, month, dayNumber(match[1] ?? ''), fullYear(match[3])));
  }

  for (const match of text.matches(MONTH_DAY)) {
    const month = MONTHS.get(match[1] ?? '');
    const end = match.index + match[0].length;
    if (month === undefined || TIME_WORD_AFTER.test(text.text.slice(end))) continue;
    if (match[3] === undefined && startsCountable(text, end + 1, language)) continue;
    take(match, 3, onOrAfter(today, month, Number(match[2]), fullYear(match[3])));
  }

  for (const match of text.matches(ORDINAL_DAY)) {
    take(match, 2, dayOnOrAfter(today, Number(match[1])));
  }

  for (const match of text.matches(PREFIXED_DAY)) {
    if (language === 'en' && match[0].startsWith('am ')) continue; // "I am 2 …"
    const end = match.index + match[0].length;
    const after = text.text.slice(end);
    if (
      TIME_WORD_AFTER.test(after) ||
      /^ (?:of us|x)(?= )/.test(after) ||
      startsCountable(text, end + 1, language)
    ) {
      continue;
    }
    take(match, 2, dayOnOrAfter(today, Number(match[1])));
  }

  for (const match of text.matches(RELATIVE_DAY)) {
    const guard = NOT_TOMORROW_BEFORE[match[0]];
    if (guard?.has(text.tokenBefore(match.index))) continue;
    take(match, 1, today.plus({ days: RELATIVE.get(match[0]) ?? 0 }));
  }

  const weekday = (match: RegExpExecArray, day: number | undefined, next: boolean): void => {
    if (day === undefined) return;
    let offset = (day - today.weekday + 7) % 7;
    if (next && offset === 0) offset = 7;
    take(match, 1, today.plus({ days: offset }));
  };
  for (const match of text.matches(WEEKDAY)) {
    weekday(match, WEEKDAYS.get(match[2] ?? ''), match[1] !== undefined || match[3] !== undefined);
  }
  for (const match of text.matches(GUARDED_WEEKDAY)) {
    // Portuguese "segunda" is also "second": a weekday only after "na"/"nesta"/… or before "que vem".
    if (match[1] === undefined && match[2] === undefined && match[4] === undefined) continue;
    const next = match[2] !== undefined || match[4] !== undefined || match[1] === 'proxima';
    weekday(match, GUARDED_WEEKDAYS.get(match[3] ?? ''), next);
  }

  candidates.sort((a, b) => b.rank - a.rank || a.index - b.index);
  return candidates[0]?.date.toISODate() ?? undefined;
}
