import { type EmbeddingProvider } from './embedding-provider';

/** Feature weights: whole words say most, word pairs add phrasing, trigrams tolerate typos. */
const UNIGRAM_WEIGHT = 1.0;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.4;
/** Stopwords count a fifth of a word rather than nothing: "where is it?" must still embed. */
const STOPWORD_WEIGHT = 0.2;

/** Seeds keep unigram, bigram and trigram hashes apart, so "spa" the word is not "spa" the trigram. */
const UNIGRAM_SEED = 0x811c9dc5;
const BIGRAM_SEED = 0x3c6ef372;
const TRIGRAM_SEED = 0xa54ff53a;
const FNV_PRIME = 0x01000193;
/** Word boundary marks for trigrams; never part of a token, which holds letters, digits and marks. */
const WORD_START = 0x5e; // ^
const WORD_END = 0x24; // $

/**
 * The offline, deterministic default EmbeddingProvider: a feature-hashing embedding that needs no
 * model, no network and no GPU, and gives the same vector for the same text on every machine.
 *
 * Text is lower-cased, NFKD-folded with diacritics removed ("café" is "cafe", "Straße" is
 * "strasse") and cut into tokens of letters and digits. Features are word unigrams (weight 1.0),
 * word bigrams (0.7) and character trigrams of each word padded with boundary marks (0.4), each
 * counted with sublinear tf (1 + ln tf; a stopword occurrence counts 0.2) and hashed with FNV-1a
 * plus the murmur3 finalizer into `dimensions` buckets, with a sign from the hash's top bit so that
 * colliding features cancel out instead of piling up. The vector is L2-normalized, so a dot
 * product is the cosine similarity.
 *
 * Good at: texts that share words; typos and word forms ("breakfst", "breakfasts") through shared
 * trigrams; any language by surface form; speed (thousands of chunks per second on one core).
 * Bad at: meaning. There are no synonyms or paraphrases ("pool" and "swimming bath" only match
 * through shared characters) and no cross-language matching ("breakfast" is not "petit-déjeuner").
 *
 * Text without a letter or digit gives the zero vector, whose cosine is undefined: callers skip it.
 */
export const BUILTIN_MODEL = 'builtin-hash-v1';

export class BuiltinEmbedder implements EmbeddingProvider {
  readonly name = 'builtin';
  readonly model = BUILTIN_MODEL;
  readonly maxBatch = 2048;
  private readonly bigrams = new FeatureCounts();
  private readonly trigrams = new FeatureCounts();

  constructor(readonly dimensions = 384) {
    if (!Number.isInteger(dimensions) || dimensions < 1)
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
  }

  embed(texts: string[]): Promise<number[][]> {
    if (texts.length > this.maxBatch)
      return Promise.reject(new RangeError(`at most ${this.maxBatch} texts per call, got ${texts.length}`));
    return Promise.resolve(texts.map((text) => this.embedOne(text)));
  }

  /** The vector of one text, synchronously. */
  embedOne(text: string): number[] {
    const vector = new Float64Array(this.dimensions);
    const words = tokenize(text);
    if (words.length === 0) return Array.from(vector);
    const wordCounts = countWords(words, this.bigrams);
    for (const [word, count] of wordCounts) {
      this.add(vector, hashWord(word), UNIGRAM_WEIGHT * sublinear(count));
      countTrigrams(word, count, this.trigrams);
    }
    this.bigrams.drain((hash, count) => this.add(vector, hash, BIGRAM_WEIGHT * sublinear(count)));
    this.trigrams.drain((hash, count) => this.add(vector, hash, TRIGRAM_WEIGHT * sublinear(count)));
    normalize(vector);
    return Array.from(vector);
  }

  private add(vector: Float64Array, hash: number, value: number): void {
    const bucket = (hash & 0x7fffffff) % this.dimensions;
    vector[bucket] += hash >>> 31 === 1 ? -value : value;
  }
}

/**
 * Weighted counts per 32-bit feature hash in an open-addressing table, emptied and reused for
 * every text: about twice as fast as a Map, which dominates the cost of an embedding.
 */
class FeatureCounts {
  private keys = new Uint32Array(4096);
  /** 0 marks a free slot: every count added is positive. */
  private counts = new Float64Array(4096);
  private readonly used: number[] = [];

  add(key: number, count: number): void {
    if (this.used.length * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let slot = key & mask;
    while (this.counts[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    if (this.counts[slot] === 0) {
      this.keys[slot] = key;
      this.used.push(slot);
    }
    this.counts[slot] += count;
  }

  /** Calls `emit` for each feature in the order first seen, then empties the table. */
  drain(emit: (key: number, count: number) => void): void {
    for (const slot of this.used) {
      emit(this.keys[slot], this.counts[slot]);
      this.counts[slot] = 0;
    }
    this.used.length = 0;
  }

  private grow(): void {
    const entries = this.used.map((slot) => [this.keys[slot], this.counts[slot]] as const);
    this.keys = new Uint32Array(this.keys.length * 2);
    this.counts = new Float64Array(this.counts.length * 2);
    this.used.length = 0;
    for (const [key, count] of entries) this.add(key, count);
  }
}

/** 1 + ln(tf) above one occurrence; below it (stopwords) the weight itself. */
function sublinear(count: number): number {
  return count <= 1 ? count : 1 + Math.log(count);
}

/**
 * Lower case, compatibility decomposition, no diacritics, then runs of letters, digits and the
 * marks that are part of a letter in scripts such as Devanagari. ASCII text, most of what hotels
 * write, skips the Unicode work, which would triple the cost.
 */
export function tokenize(text: string): string[] {
  const lower = text.toLowerCase();
  if (ASCII.test(lower)) return lower.match(/[a-z0-9]+/g) ?? [];
  const folded = lower
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .replace(/[ßæœøđłı]/g, (letter) => LETTER_FOLDS[letter] ?? letter);
  return folded.match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

/** Printable ASCII and line breaks; anything else takes the Unicode path, which gives the same tokens. */
const ASCII = /^[\t\n\r\x20-\x7e]*$/;
/** The combining diacritical mark blocks: accents, cedillas, umlauts once decomposed. */
// eslint-disable-next-line no-misleading-character-class -- a class of lone combining marks is the point
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;

/** Letters NFKD leaves whole but that readers type without their mark. */
const LETTER_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', ı: 'i' };

/** Weighted counts per distinct word; bigrams go to `bigrams`, counting the mean of their words. */
function countWords(words: string[], bigrams: FeatureCounts): Map<string, number> {
  const wordCounts = new Map<string, number>();
  let previousHash = 0;
  let previousWeight = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const weight = STOPWORDS.has(word) ? STOPWORD_WEIGHT : 1;
    wordCounts.set(word, (wordCounts.get(word) ?? 0) + weight);
    const hash = hashWord(word);
    if (i > 0) {
      const pair = fmix32(Math.imul(previousHash ^ BIGRAM_SEED, FNV_PRIME) ^ hash);
      bigrams.add(pair, (previousWeight + weight) / 2);
    }
    previousHash = hash;
    previousWeight = weight;
  }
  return wordCounts;
}

/** Adds the weighted count of a word to each character trigram of "^word$". */
function countTrigrams(word: string, count: number, counts: FeatureCounts): void {
  const last = word.length;
  for (let i = -1; i < last - 1; i++) {
    let hash = TRIGRAM_SEED;
    hash = Math.imul(hash ^ (i < 0 ? WORD_START : word.charCodeAt(i)), FNV_PRIME);
    hash = Math.imul(hash ^ word.charCodeAt(i + 1), FNV_PRIME);
    hash = Math.imul(hash ^ (i + 2 === last ? WORD_END : word.charCodeAt(i + 2)), FNV_PRIME);
    counts.add(fmix32(hash), count);
  }
}

function hashWord(word: string): number {
  return fmix32(fnv1a32(word, UNIGRAM_SEED));
}

/** FNV-1a over UTF-16 code units: stable across runtimes and versions, unlike a built-in hash. */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** The murmur3 finalizer: spreads FNV's weak high bits, which pick the sign. */
function fmix32(input: number): number {
  let hash = input;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

function normalize(vector: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
}

/** Whether a folded token (see tokenize) is a frequent function word. */
export const isStopword = (word: string) => STOPWORDS.has(word);

/** Frequent function words of English, French, Spanish, German and Portuguese, already folded. */
const STOPWORDS = new Set(
  [
    // English
    'a an the and or but of to in on at for from by with about as into is are was were be been am do',
    'does did have has had i you he she it we they me my your our their this that these those there',
    'here what which who when where how so if then than too very can will would should could',
    // French
    'le la les l un une des du de d et ou mais au aux en dans sur pour par avec est sont etre ete ai',
    'avons avez ont je tu il elle nous vous ils elles on ce cet cette ces qui que qu ne se sa son ses',
    'leur leurs mon ma mes y c s n j',
    // Spanish
    'el los las lo una unos unas o pero del al con por para es son esta estan ser fue yo ella',
    'nosotros ellos ellas su sus mi mis como mas muy le les',
    // German
    'der die das den dem des ein eine einer einem einen und oder aber von zu im an am auf fur mit',
    'ist sind war waren sein bin ich du er sie es wir ihr auch als wie um bei nach aus uber',
    // Portuguese
    'os as um uma uns umas e mas do da dos das em no na nos nas com sao foi eu ele seu sua seus suas',
    'nao muito ao aos',
  ]
    .join(' ')
    .split(' '),
);
