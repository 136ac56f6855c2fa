/** One retrievable piece of a knowledge entry. */
export interface Chunk {
  /** Position in the entry, from 0. */
  index: number;
  /** Heading path inside the entry ("Spa > Opening hours"); null for text before any heading. */
  heading: string | null;
  /** The title line (entry title and heading path), a blank line, then the text. */
  content: string;
  /** Estimated tokens of `content`, see estimateTokens. */
  tokenEstimate: number;
}

export interface ChunkOptions {
  /** Largest chunk, in estimated tokens (default 800). */
  maxTokens?: number;
  /** Trailing text of the previous chunk repeated at the start of the next one (default 60). */
  overlapTokens?: number;
}

export const DEFAULT_MAX_TOKENS = 800;
export const DEFAULT_OVERLAP_TOKENS = 60;
const CHARS_PER_TOKEN = 4;

/**
 * ceil(characters / 4), counting UTF-16 code units: the usual rule of thumb for English with
 * BPE tokenizers. It needs no tokenizer and no model, and errs high for accented and CJK text,
 * which keeps chunks inside a model's context rather than over it.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * Splits a Markdown knowledge entry into chunks for full-text and vector retrieval.
 *
 * Sections follow the ATX headings (`#` to `######`); text before the first heading, or an entry
 * without headings, is one section with a null heading. A section longer than `maxTokens` is
 * split between paragraphs; a paragraph longer than that at sentence ends (or line breaks), then
 * between words, and only a single over-long word is cut, never inside a character or an emoji.
 * A code fence that fits in a chunk is never split; a longer one is split between lines into
 * fences of its own. Consecutive chunks of one section share about `overlapTokens` of trailing
 * prose, so a sentence cut at a boundary is still found whole in one chunk.
 *
 * Every chunk starts with one line holding the entry title and heading path, because a chunk is
 * retrieved and shown to the model without its neighbours and must say what it is about. The
 * result is deterministic; whitespace-only sections give no chunk.
 */
export function chunkMarkdown(title: string, markdown: string, options: ChunkOptions = {}): Chunk[] {
  const { maxTokens, overlapTokens } = resolveOptions(options);
  const chunks: Chunk[] = [];
  for (const section of new SectionReader().read(markdown)) {
    const line = titleLine(title, section.path);
    // A very long title line takes at most half the room, even if that overflows maxTokens.
    const fullBudget = maxTokens * CHARS_PER_TOKEN;
    const budget = Math.max(fullBudget - line.length - 2, Math.ceil(fullBudget / 2));
    const overlap = Math.min(overlapTokens * CHARS_PER_TOKEN, Math.floor(budget / 2));
    const units = section.blocks.flatMap((block) => toUnits(block, budget));
    for (const body of pack(units, budget, overlap)) {
      const content = line ? `${line}\n\n${body}` : body;
      chunks.push({
        index: chunks.length,
        heading: section.path,
        content,
        tokenEstimate: estimateTokens(content),
      });
    }
  }
  return chunks;
}

function resolveOptions(options: ChunkOptions): Required<ChunkOptions> {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0)
    throw new RangeError(`overlapTokens must be a non-negative integer, got ${overlapTokens}`);
  return { maxTokens, overlapTokens };
}

/** "Title > Heading > Subheading"; a first heading repeating the title is not said twice. */
function titleLine(title: string, path: string | null): string {
  const name = title.replace(/\s+/g, ' ').trim();
  const headings = path === null ? [] : path.split(' > ');
  if (headings.length > 0 && headings[0].toLowerCase() === name.toLowerCase()) headings.shift();
  return [name, ...headings].filter((part) => part !== '').join(' > ');
}

// --- Sections and blocks ----------------------------------------------------------------------

interface Block {
  text: string;
  code: boolean;
}

interface Section {
  path: string | null;
  blocks: Block[];
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/** Reads Markdown line by line into sections of paragraphs and code fences. */
class SectionReader {
  private readonly sections: Section[] = [];
  private readonly headings: { level: number; text: string }[] = [];
  private current: Section = { path: null, blocks: [] };
  private lines: string[] = [];
  /** The opening marker while inside a code fence, where `#` lines are code, not headings. */
  private fence: string | null = null;

  read(markdown: string): Section[] {
    for (const line of markdown.split(/\r\n?|\n/)) this.readLine(line);
    this.flush();
    this.sections.push(this.current);
    return this.sections.filter((section) => section.blocks.length > 0);
  }

  private readLine(line: string): void {
    if (this.fence !== null) return this.readFenced(line);
    const heading = HEADING.exec(line);
    if (heading) return this.startSection(heading[1].length, heading[2] ?? '');
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      this.flush();
      this.fence = fence[1];
      this.lines.push(line);
    } else if (line.trim() === '') this.flush();
    else this.lines.push(line);
  }

  private readFenced(line: string): void {
    this.lines.push(line);
    if (this.fence !== null && closesFence(line, this.fence)) {
      this.flush();
      this.fence = null;
    }
  }

  private startSection(level: number, text: string): void {
    this.flush();
    this.sections.push(this.current);
    while (this.headings.length > 0 && this.headings[this.headings.length - 1].level >= level)
      this.headings.pop();
    this.headings.push({ level, text: text.trim() });
    const path = this.headings.map((heading) => heading.text).filter((heading) => heading !== '');
    this.current = { path: path.length > 0 ? path.join(' > ') : null, blocks: [] };
  }

  private flush(): void {
    const text = this.lines.join('\n');
    const code = this.fence !== null;
    if (code ? this.lines.length > 0 : text.trim() !== '')
      this.current.blocks.push({ text: code ? text : text.trim(), code });
    this.lines = [];
  }
}

function closesFence(line: string, open: string): boolean {
  const close = FENCE_CLOSE.exec(line)?.[1];
  return close !== undefined && close[0] === open[0] && close.length >= open.length;
}

// --- Units: pieces that fit in a chunk --------------------------------------------------------

/** A piece of text that fits in a chunk, and what separates it from the piece before. */
interface Unit {
  text: string;
  joiner: string;
  code: boolean;
}

const PARAGRAPH = '\n\n';

function toUnits(block: Block, max: number): Unit[] {
  if (block.text.length <= max) return [{ text: block.text, joiner: PARAGRAPH, code: block.code }];
  const pieces = block.code ? splitFence(block.text, max) : splitProse(block.text, max);
  return pieces.map((piece, i) => ({ ...piece, joiner: i === 0 ? PARAGRAPH : piece.joiner }));
}

/** Whitespace after a sentence end (allowing closing quotes and brackets), or a line break. */
const SENTENCE_BREAK = /(?<=[.!?…]["'”’»)\]]*)\s+|\s*\n\s*/gu;

function splitProse(text: string, max: number): Unit[] {
  const units: Unit[] = [];
  let start = 0;
  let joiner = PARAGRAPH;
  for (const match of [...text.matchAll(SENTENCE_BREAK), null]) {
    const end = match?.index ?? text.length;
    const sentence = text.slice(start, end);
    if (sentence.length <= max) units.push({ text: sentence, joiner, code: false });
    else units.push(...splitWords(sentence, max, joiner));
    if (match) [start, joiner] = [end + match[0].length, match[0].includes('\n') ? '\n' : ' '];
  }
  return units.filter((unit) => unit.text !== '');
}

function splitWords(sentence: string, max: number, joiner: string): Unit[] {
  return sentence.split(/\s+/).flatMap((word, i) => {
    const first = i === 0 ? joiner : ' ';
    if (word.length <= max) return [{ text: word, joiner: first, code: false }];
    return hardCut(word, max).map((text, j) => ({ text, joiner: j === 0 ? first : '', code: false }));
  });
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Cuts between grapheme clusters (an emoji with its modifiers stays whole) into pieces ≤ max. */
function hardCut(text: string, max: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const { segment } of GRAPHEMES.segment(text)) {
    if (piece !== '' && piece.length + segment.length > max) {
      pieces.push(piece);
      piece = '';
    }
    piece += segment;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** Splits an over-long code fence between lines into fences that each open and close. */
function splitFence(text: string, max: number): Unit[] {
  const lines = text.split('\n');
  const open = lines[0];
  const marker = FENCE_OPEN.exec(open)?.[1] ?? '```';
  const closed = lines.length > 1 && closesFence(lines[lines.length - 1], marker);
  const close = closed ? lines[lines.length - 1] : marker;
  const room = max - open.length - close.length - 2;
  // An info string eating the room leaves nothing to fence: split it as plain text.
  if (room < max / 4) return splitProse(text, max);
  const inner = lines.slice(1, closed ? -1 : undefined).flatMap((line) => hardCut(line, room));
  const groups: string[] = [];
  for (const line of inner) {
    const last = groups.length - 1;
    if (last >= 0 && groups[last].length + 1 + line.length <= room) groups[last] += `\n${line}`;
    else groups.push(line);
  }
  return groups.map((group) => ({ text: `${open}\n${group}\n${close}`, joiner: PARAGRAPH, code: true }));
}

// --- Packing units into chunk bodies ----------------------------------------------------------

/** Greedily fills chunk bodies of at most `max` characters, each starting with some overlap. */
function pack(units: Unit[], max: number, overlap: number): string[] {
  const bodies: string[] = [];
  let current: Unit[] = [];
  let length = 0;
  for (const unit of units) {
    if (current.length > 0 && length + unit.joiner.length + unit.text.length > max) {
      bodies.push(render(current));
      const tail = overlapTail(current, Math.min(overlap, max - unit.joiner.length - unit.text.length));
      current = tail === '' ? [] : [{ text: tail, joiner: '', code: false }];
      length = tail.length;
    }
    length += current.length > 0 ? unit.joiner.length + unit.text.length : unit.text.length;
    current.push(unit);
  }
  if (current.length > 0) bodies.push(render(current));
  return bodies;
}

function render(units: Unit[]): string {
  return units.map((unit, i) => (i === 0 ? unit.text : unit.joiner + unit.text)).join('');
}

/**
 * About `max` characters from the end of the chunk's trailing prose, starting at a word. Code is
 * never repeated: half a fence would leave the next chunk with an unbalanced one.
 */
function overlapTail(units: Unit[], max: number): string {
  let first = units.length;
  while (first > 0 && !units[first - 1].code) first--;
  const prose = render(units.slice(first));
  if (max <= 0 || prose === '') return '';
  if (prose.length <= max) return prose;
  const start = prose.length - max;
  if (/\s/.test(prose[start - 1])) return prose.slice(start).trimStart();
  const space = prose.slice(start).search(/\s/);
  return space < 0 ? '' : prose.slice(start + space).trimStart();
}
