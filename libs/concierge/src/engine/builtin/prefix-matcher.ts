import { isWordStart, matchPrefixes, PREFIX_LENGTH } from './pattern-prefixes';

export interface Span {
  start: number;
  end: number;
}

interface IndexedPattern {
  rule: number;
  /** The pattern with the sticky flag, tried only where one of its prefixes occurs. */
  sticky: RegExp;
}

/**
 * Characters as 6-bit codes for compact integer keys: letters, digits, space and colon (all that
 * normalized text has in ASCII) get their own code, anything else shares one. Sharing a code
 * only makes a few more patterns worth trying, it never hides a match.
 */
const CHAR_CODES = new Uint8Array(128).fill(63);
[...'abcdefghijklmnopqrstuvwxyz0123456789 :'].forEach(
  (char, code) => (CHAR_CODES[char.charCodeAt(0)] = code + 1),
);

const codeAt = (text: string, index: number): number => {
  const char = text.charCodeAt(index);
  return char < 128 ? CHAR_CODES[char] : 63;
};

/** The prefix of `length` characters at `start` as an integer key (one key space per length). */
const keyOf = (text: string, start: number, length: number): number => {
  let key = 0;
  for (let i = 0; i < length; i++) key = key * 64 + codeAt(text, start + i);
  return key;
};

/**
 * Finds which of many pattern groups ("rules") match a text, without running every pattern over
 * every position: each pattern is indexed by the prefixes its matches can start with (see
 * {@link matchPrefixes}) and tried, anchored, only at the positions where one of them occurs.
 * Patterns that cannot be bounded by a prefix are run over the whole text.
 */
export class PrefixMatcher {
  private readonly patterns: IndexedPattern[] = [];
  /** Pattern ids by prefix length, then by a prefix that may occur anywhere. */
  private readonly anywhere: Map<number, number[]>[] = [];
  /** Pattern ids by prefix length, then by a prefix that can only occur at a word start. */
  private readonly atWordStart: Map<number, number[]>[] = [];
  private readonly unbounded: { rule: number; pattern: RegExp }[] = [];

  /** `rules[i]` are the patterns of rule `i` (flagless, as the lexicons write them). */
  constructor(private readonly rules: readonly (readonly RegExp[])[]) {
    for (let length = 0; length <= PREFIX_LENGTH; length++) {
      this.anywhere.push(new Map());
      this.atWordStart.push(new Map());
    }
    rules.forEach((patterns, rule) => {
      for (const pattern of patterns) {
        const found = matchPrefixes(pattern);
        if (!found) {
          this.unbounded.push({
            rule,
            pattern: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')),
          });
          continue;
        }
        const id = this.patterns.length;
        this.patterns.push({ rule, sticky: new RegExp(pattern.source, 'y') });
        const index = found.wordStart ? this.atWordStart : this.anywhere;
        for (const prefix of found.prefixes) {
          const byKey = index[prefix.length];
          const key = keyOf(prefix, 0, prefix.length);
          const ids = byKey.get(key);
          if (ids) ids.push(id);
          else byKey.set(key, [id]);
        }
      }
    });
  }

  /** The leftmost match of each rule in `text` (by rule position), `undefined` where none matches. */
  match(text: string): (Span | undefined)[] {
    const found: (Span | undefined)[] = new Array<Span | undefined>(this.rules.length);
    for (const { rule, pattern } of this.unbounded) {
      const match = pattern.exec(text);
      const current = found[rule];
      if (match && (!current || match.index < current.start)) {
        found[rule] = { start: match.index, end: match.index + match[0].length };
      }
    }
    const triedAt = new Int32Array(this.patterns.length).fill(-1);
    for (let start = 0; start < text.length; start++) {
      const wordStart = isWordStart(text, start);
      let key = 0;
      for (let length = 1; length <= PREFIX_LENGTH && start + length <= text.length; length++) {
        key = key * 64 + codeAt(text, start + length - 1);
        for (let pass = 0; pass < 2; pass++) {
          const ids =
            pass === 0
              ? this.anywhere[length].get(key)
              : wordStart
                ? this.atWordStart[length].get(key)
                : undefined;
          if (!ids) continue;
          for (const id of ids) {
            if (triedAt[id] === start) continue;
            triedAt[id] = start;
            const { rule, sticky } = this.patterns[id];
            const current = found[rule];
            if (current && current.start <= start) continue;
            sticky.lastIndex = start;
            const match = sticky.exec(text);
            if (match) found[rule] = { start, end: start + match[0].length };
          }
        }
      }
    }
    return found;
  }
}
