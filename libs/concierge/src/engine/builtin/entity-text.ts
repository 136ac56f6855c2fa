import { fold } from './text';

/**
 * The working text of the entity extractor: `normalize` (text.ts) keeps only letters and digits,
 * but numbers need a little more. Here the same folding (`fold`: lower case, accents removed,
 * ß → ss) is applied, and in addition:
 *
 * - `: . / - ,` between two digits stay attached (`7:30`, `28.11.2026`, `28/11`, `612-345`, `3,50`);
 * - a dot right after a digit becomes its own token (German ordinal `28. November` → `28 . november`);
 * - `# € $ £ + % °` become their own tokens (`#204` → `# 204`, `45€` → `45 €`);
 * - `×` is the letter `x` (`towels ×3` → `towels x 3`);
 * - everything else that is not a letter or digit is one space, and the text is padded with a space
 *   at each end, so patterns anchor on token edges with `(?<= )` and `(?= )`.
 *
 * Passes then mask what they have understood (a time, a price, an item with its quantity) with `_`
 * of the same length, so later passes cannot read those tokens again and positions never shift.
 */
const ATTACHED_BETWEEN_DIGITS = new Set([':', '.', '/', '-', ',']);
const OWN_TOKEN = new Set(['#', '€', '$', '£', '+', '%', '°']);
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function workingText(text: string): string {
  const folded = [...fold(text).replace(/×/g, ' x ')];
  const out: string[] = [];
  folded.forEach((ch, i) => {
    if (LETTER_OR_DIGIT.test(ch)) {
      out.push(ch);
    } else if (ATTACHED_BETWEEN_DIGITS.has(ch) && isDigit(folded[i - 1]) && isDigit(folded[i + 1])) {
      out.push(ch);
    } else if (ch === '.' && isDigit(folded[i - 1])) {
      out.push(' . ');
    } else if (OWN_TOKEN.has(ch)) {
      out.push(` ${ch} `);
    } else {
      out.push(' ');
    }
  });
  return ` ${out.join('').replace(/\s+/g, ' ').trim()} `;
}

/** The working text of one message, masked pass by pass. */
export class EntityText {
  /** The unmasked working text, for context that any pass may read (day parts). */
  readonly original: string;
  text: string;

  constructor(message: string) {
    this.original = workingText(message);
    this.text = this.original;
  }

  /** Masks the tokens in [start, end): they become one `_` token of the same length. */
  mask(start: number, end: number): void {
    let from = start;
    let to = end;
    while (from < to && this.text[from] === ' ') from++;
    while (to > from && this.text[to - 1] === ' ') to--;
    if (from >= to) return;
    this.text = this.text.slice(0, from) + '_'.repeat(to - from) + this.text.slice(to);
  }

  /** Every match of a global pattern on the current text (taken before any masking by the caller). */
  matches(pattern: RegExp): RegExpExecArray[] {
    const found: RegExpExecArray[] = [];
    pattern.lastIndex = 0;
    for (let match = pattern.exec(this.text); match; match = pattern.exec(this.text)) {
      found.push(match);
      if (match[0].length === 0) pattern.lastIndex++;
    }
    return found;
  }

  /** The token that starts at `position` (a token start), or '' at the end. */
  tokenAt(position: number): string {
    const end = this.text.indexOf(' ', position);
    return end < 0 ? '' : this.text.slice(position, end);
  }

  /** The token right after `end` (the space after a match), or '' at the end of the text. */
  tokenAfter(end: number): string {
    return this.tokenAt(end + 1);
  }

  /** The token right before `start` (the first character of a match), or '' at the start. */
  tokenBefore(start: number): string {
    const end = start - 1;
    if (end <= 0) return '';
    const begin = this.text.lastIndexOf(' ', end - 1) + 1;
    return this.text.slice(begin, end);
  }

  /** Tokens with their start offsets. */
  tokens(): { token: string; start: number }[] {
    const found: { token: string; start: number }[] = [];
    for (const match of this.text.matchAll(/[^ ]+/g)) found.push({ token: match[0], start: match.index });
    return found;
  }
}

export const isMasked = (token: string): boolean => token.startsWith('_');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular-expression alternation of literal phrases, longest first so the longest phrase wins. */
export function alternation(phrases: Iterable<string>): string {
  const unique = [...new Set(phrases)].filter((phrase) => phrase.length > 0);
  unique.sort((a, b) => b.length - a.length || a.localeCompare(b));
  return unique.map(escapeRegExp).join('|');
}

/** A global pattern anchored on token edges. */
export const onTokens = (source: string): RegExp => new RegExp(`(?<= )(?:${source})(?= )`, 'g');

/** A sticky pattern that matches whole tokens at a given token start. */
export const stickyTokens = (source: string): RegExp => new RegExp(`(?:${source})(?= )`, 'y');
