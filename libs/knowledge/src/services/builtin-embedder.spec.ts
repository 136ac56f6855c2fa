import { BuiltinEmbedder, fnv1a32, tokenize } from './builtin-embedder';

const embedder = new BuiltinEmbedder();

const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const cosine = (a: string, b: string) => dot(embedder.embedOne(a), embedder.embedOne(b));
const norm = (vector: number[]) => Math.sqrt(dot(vector, vector));

describe(BuiltinEmbedder.name, () => {
  describe('embed', () => {
    it('describes itself with the name, model and batch size stored with each vector', () => {
      expect(embedder).toMatchObject({
        name: 'builtin',
        model: 'builtin-hash-v1',
        dimensions: 384,
        maxBatch: 2048,
      });
    });

    it('returns one unit vector of the configured dimensions per text, in order', async () => {
      const texts = ['Breakfast is served on the terrace.', 'Late checkout until 14:00.'];

      const vectors = await new BuiltinEmbedder(64).embed(texts);

      expect(vectors).toHaveLength(2);
      expect(vectors.map((v) => v.length)).toEqual([64, 64]);
      expect(vectors.map(norm).map((n) => n.toFixed(12))).toEqual(['1.000000000000', '1.000000000000']);
      expect(vectors[0]).toEqual(new BuiltinEmbedder(64).embedOne(texts[0]));
    });

    it('is deterministic across instances and calls', async () => {
      const text = 'The spa opens at 9:00; towels are at the reception.';

      const [first] = await new BuiltinEmbedder().embed([text]);
      const [second] = await new BuiltinEmbedder().embed([text, 'something else']);

      expect(first).toEqual(second);
      expect(embedder.embedOne(text)).toEqual(first);
    });

    it('keeps the vectors of builtin-hash-v1 stable, as stored vectors depend on them', () => {
      const vector = embedder.embedOne('breakfast');

      expect(vector[191]).toBeCloseTo(-0.6402, 4);
      expect(vector[86]).toBeCloseTo(0.2561, 4);
      expect(vector.filter((v) => v !== 0)).toHaveLength(10);
    });

    it('gives the zero vector to text without letters or digits', async () => {
      const vectors = await embedder.embed(['', '   ', '?! …']);

      expect(vectors.every((v) => v.length === 384 && v.every((x) => x === 0))).toBe(true);
    });

    it('rejects more texts than maxBatch', async () => {
      await expect(new BuiltinEmbedder().embed(new Array<string>(2049).fill('x'))).rejects.toThrow(
        RangeError,
      );
    });

    it('rejects dimensions that are not a positive integer', () => {
      expect(() => new BuiltinEmbedder(0)).toThrow(RangeError);
      expect(() => new BuiltinEmbedder(1.5)).toThrow(RangeError);
    });
  });

  describe('similarity', () => {
    const breakfast = 'breakfast is served from 7 to 10';

    it('is 1 between a text and itself', () => {
      expect(cosine(breakfast, breakfast)).toBeCloseTo(1, 12);
    });

    it('scores a near-duplicate with a typo clearly above an unrelated text', () => {
      const typo = cosine(breakfast, 'breakfst is served from 7 to 10');
      const unrelated = cosine(breakfast, 'The parking garage closes at midnight');

      expect(typo).toBeGreaterThan(0.7);
      expect(unrelated).toBeLessThan(0.2);
    });

    it('matches word forms through shared character trigrams', () => {
      expect(cosine(breakfast, 'Breakfasts are served from 7 to 10')).toBeGreaterThan(0.7);
    });

    it('folds case and accents', () => {
      expect(cosine('café', 'cafe')).toBeCloseTo(1, 12);
      expect(cosine('Crème Brûlée au CAFÉ', 'creme brulee au cafe')).toBeCloseTo(1, 12);
      expect(cosine('Straße', 'strasse')).toBeCloseTo(1, 12);
    });

    it('weighs shared stopwords less than a shared content word', () => {
      const sharedStopwords = cosine('where is the spa', 'where is the bar');
      const sharedWord = cosine('where is the spa', 'spa');

      expect(sharedWord).toBeGreaterThan(sharedStopwords + 0.5);
    });

    it('knows no synonyms or translations', () => {
      expect(cosine('pool', 'swimming bath')).toBeLessThan(0.1);
      expect(cosine('breakfast', 'petit-déjeuner')).toBeLessThan(0.1);
    });
  });

  describe('tokenize', () => {
    it('lower-cases, removes diacritics and keeps runs of letters and digits', () => {
      expect(tokenize("L'Hôtel Zürich: Frühstück 7-10 Uhr, ½ Preis, ﬁnal!")).toEqual([
        'l',
        'hotel',
        'zurich',
        'fruhstuck',
        '7',
        '10',
        'uhr',
        '1',
        '2',
        'preis',
        'final',
      ]);
    });

    it('keeps the vowel signs that are part of a Devanagari word', () => {
      expect(tokenize('हिन्दी भाषा')).toEqual(['हिन्दी', 'भाषा']);
    });
  });

  describe('fnv1a32', () => {
    it.each([
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ])('hashes %j to the published FNV-1a value', (text, hash) => {
      expect(fnv1a32(text)).toBe(hash);
    });
  });
});
