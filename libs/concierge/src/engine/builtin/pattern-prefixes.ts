/**
 * The possible beginnings of a regular expression's matches, so a large table of patterns can be
 * pre-filtered: a pattern can only match a text that contains one of its match prefixes. Used by
 * the intent classifier to run only the lexicon rules whose prefixes occur in the message.
 *
 * The analysis is conservative: every real match starts with one of the returned prefixes (it
 * may over-approximate, never under-). Whatever the analyzer cannot bound (a leading wildcard,
 * a backreference, too many combinations) makes it return `null`: "always run this pattern".
 */

/** Longest prefix: long enough to be selective, short enough to keep the sets small. */
export const PREFIX_LENGTH = 4;
/** Above this many prefixes a pattern is analysed again with shorter ones. */
const MAX_PREFIXES = 800;
const MAX_CLASS = 64;
const ANY = null;

type CharSet = string[] | typeof ANY;

type Node =
  | { kind: 'char'; chars: CharSet }
  | { kind: 'literal'; text: string }
  | { kind: 'empty' }
  | { kind: 'boundary' }
  | { kind: 'alt'; branches: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/** Prefixes that end the match (`open`: the node may end there) or are final (`closed`). */
interface Prefixes {
  open: Set<string>;
  closed: Set<string>;
}

class Unsupported extends Error {}
class TooMany extends Error {}

const DIGITS = [...'0123456789'];

class Parser {
  private index = 0;

  constructor(private readonly source: string) {}

  parse(): Node[][] {
    const branches = this.alternation();
    if (this.index < this.source.length) throw new Unsupported('unbalanced');
    return branches;
  }

  private peek(): string | undefined {
    return this.source[this.index];
  }

  private alternation(): Node[][] {
    const branches: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.index++;
      branches.push(this.sequence());
    }
    return branches;
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    for (let next = this.peek(); next !== undefined && next !== '|' && next !== ')'; next = this.peek()) {
      const item = this.quantified(this.atom());
      const last = items[items.length - 1];
      const char = item.kind === 'char' && item.chars?.length === 1 ? item.chars[0] : undefined;
      // Runs of plain characters become one literal (far cheaper to analyse).
      if (char !== undefined && last?.kind === 'literal') last.text += char;
      else items.push(char !== undefined ? { kind: 'literal', text: char } : item);
    }
    return items;
  }

  private quantified(node: Node): Node {
    const next = this.peek();
    let min: number;
    let max: number;
    if (next === '?') [min, max] = [0, 1];
    else if (next === '*') [min, max] = [0, Infinity];
    else if (next === '+') [min, max] = [1, Infinity];
    else if (next === '{') {
      const match = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.source.slice(this.index));
      if (!match) return node;
      min = Number(match[1]);
      max = match[2] ? (match[3] ? Number(match[3]) : Infinity) : min;
      this.index += match[0].length - 1;
    } else return node;
    this.index++;
    if (this.peek() === '?') this.index++;
    return { kind: 'repeat', node, min, max };
  }

  private atom(): Node {
    const char = this.source[this.index++];
    switch (char) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'char', chars: this.charClass() };
      case '.':
        return { kind: 'char', chars: ANY };
      case '^':
      case '$':
        return { kind: 'empty' };
      case '\\':
        return this.escape();
      default:
        return { kind: 'char', chars: [char] };
    }
  }

  private group(): Node {
    let lookaround = false;
    if (this.source.startsWith('?:', this.index)) this.index += 2;
    else if (/^\?<?[=!]/.test(this.source.slice(this.index))) {
      lookaround = true;
      this.index += this.source[this.index + 1] === '<' ? 3 : 2;
    } else if (this.source.startsWith('?<', this.index)) {
      this.index = this.source.indexOf('>', this.index) + 1;
    }
    const branches = this.alternation();
    if (this.source[this.index++] !== ')') throw new Unsupported('unclosed group');
    return lookaround ? { kind: 'empty' } : { kind: 'alt', branches };
  }

  private escape(): Node {
    const char = this.source[this.index++];
    if (char === 'b') return { kind: 'boundary' };
    if (char === 'B') return { kind: 'empty' };
    if (char === 'd') return { kind: 'char', chars: DIGITS };
    if (/[1-9kpPu]/.test(char)) throw new Unsupported(`\\${char}`);
    if (/[wWsSDntrfv0xc]/.test(char)) return { kind: 'char', chars: ANY };
    return { kind: 'char', chars: [char] };
  }

  private charClass(): CharSet {
    if (this.peek() === '^') throw new Unsupported('negated class');
    const chars = new Set<string>();
    let wildcard = false;
    while (this.peek() !== ']') {
      const char = this.source[this.index++];
      if (char === undefined) throw new Unsupported('unclosed class');
      if (char === '\\') {
        const escaped = this.source[this.index++];
        if (escaped === 'd') DIGITS.forEach((digit) => chars.add(digit));
        else if (/[wWsSDpPuntrfv0xc]/.test(escaped)) wildcard = true;
        else chars.add(escaped);
        continue;
      }
      if (this.peek() === '-' && this.source[this.index + 1] !== ']') {
        const end = this.source[this.index + 1];
        this.index += 2;
        for (let code = char.charCodeAt(0); code <= end.charCodeAt(0); code++) {
          chars.add(String.fromCharCode(code));
          if (chars.size > MAX_CLASS) return ANY;
        }
        continue;
      }
      chars.add(char);
    }
    this.index++;
    return wildcard || chars.size > MAX_CLASS ? ANY : [...chars];
  }
}

const EMPTY: Prefixes = { open: new Set(['']), closed: new Set() };

const checkSize = (prefixes: Prefixes): Prefixes => {
  if (prefixes.open.size + prefixes.closed.size > MAX_PREFIXES) throw new TooMany();
  return prefixes;
};

const concat = (left: Prefixes, right: Prefixes, limit: number): Prefixes => {
  const open = new Set<string>();
  const closed = new Set(left.closed);
  const add = (set: Set<string>, prefix: string): void => {
    set.add(prefix);
    if (open.size + closed.size > MAX_PREFIXES) throw new TooMany();
  };
  for (const head of left.open) {
    for (const tail of right.open) {
      const joined = head + tail;
      if (joined.length >= limit) add(closed, joined.slice(0, limit));
      else add(open, joined);
    }
    for (const tail of right.closed) add(closed, (head + tail).slice(0, limit));
  }
  return { open, closed };
};

const union = (parts: Prefixes[]): Prefixes => {
  const open = new Set<string>();
  const closed = new Set<string>();
  for (const part of parts) {
    part.open.forEach((prefix) => open.add(prefix));
    part.closed.forEach((prefix) => closed.add(prefix));
  }
  return checkSize({ open, closed });
};

const sequencePrefixes = (items: Node[], limit: number): Prefixes => {
  let result = EMPTY;
  for (const item of items) {
    if (result.open.size === 0) break;
    result = concat(result, nodePrefixes(item, limit), limit);
  }
  return result;
};

function nodePrefixes(node: Node, limit: number): Prefixes {
  switch (node.kind) {
    case 'empty':
    case 'boundary':
      return EMPTY;
    case 'literal':
      return node.text.length < limit
        ? { open: new Set([node.text]), closed: new Set() }
        : { open: new Set(), closed: new Set([node.text.slice(0, limit)]) };
    case 'char':
      return node.chars === ANY
        ? { open: new Set(), closed: new Set(['']) }
        : limit > 1
          ? { open: new Set(node.chars), closed: new Set() }
          : { open: new Set(), closed: new Set(node.chars) };
    case 'alt':
      return union(node.branches.map((branch) => sequencePrefixes(branch, limit)));
    case 'repeat': {
      // Enough repetitions to fill a prefix (each non-empty repetition adds at least a character).
      const inner = nodePrefixes(node.node, limit);
      const parts: Prefixes[] = [];
      let current = EMPTY;
      for (let count = 0; count <= Math.min(node.max, node.min + limit); count++) {
        if (count >= node.min) parts.push(current);
        current = concat(current, inner, limit);
      }
      return union(parts);
    }
  }
}

export interface MatchPrefixes {
  /** Strings of at most {@link PREFIX_LENGTH} characters; every match starts with one of them. */
  prefixes: string[];
  /**
   * Every match also starts at the start of a word (the pattern opens with `\b` and its matches
   * with a word character), so the prefixes need only be looked for at word starts.
   */
  wordStart: boolean;
}

const WORD_CHAR = /^\w/;

/** Whether every branch opens with `\b` (after zero-width assertions). */
const opensWithBoundary = (branches: Node[][]): boolean =>
  branches.every((branch) => {
    for (const node of branch) {
      if (node.kind === 'boundary') return true;
      if (node.kind !== 'empty') return node.kind === 'alt' && opensWithBoundary(node.branches);
    }
    return false;
  });

/**
 * The prefixes any match of `pattern` starts with, or `null` when the pattern cannot be bounded
 * that way (it must always run).
 */
export function matchPrefixes(pattern: RegExp): MatchPrefixes | null {
  if (pattern.flags.replace(/[gy]/g, '') !== '') return null;
  let branches: Node[][];
  try {
    branches = new Parser(pattern.source).parse();
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  for (let limit = PREFIX_LENGTH; limit > 0; limit--) {
    try {
      const found = union(branches.map((branch) => sequencePrefixes(branch, limit)));
      const prefixes = [...found.open, ...found.closed];
      if (prefixes.length === 0 || prefixes.includes('')) return null;
      const wordStart = opensWithBoundary(branches) && prefixes.every((prefix) => WORD_CHAR.test(prefix));
      return { prefixes, wordStart };
    } catch (error) {
      if (!(error instanceof TooMany)) throw error;
    }
  }
  return null;
}

/** Whether a match starting at `index` of `text` starts a word (what `\b` then a word character needs). */
export const isWordStart = (text: string, index: number): boolean =>
  WORD_CHAR.test(text[index] ?? '') && (index === 0 || !WORD_CHAR.test(text[index - 1]));
