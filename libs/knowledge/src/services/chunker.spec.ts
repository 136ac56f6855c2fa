import { chunkMarkdown, estimateTokens } from './chunker';

/** The text of a chunk after its title line. */
const body = (content: string) => content.slice(content.indexOf('\n\n') + 2);

/** A paragraph of `count` numbered sentences, about 30 characters each. */
const sentences = (count: number, label = 'Sentence') =>
  Array.from({ length: count }, (_, i) => `${label} number ${i + 1} ends here.`).join(' ');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('chunkMarkdown', () => {
  it('keeps the heading path of each section and starts every chunk with title and path', () => {
    const markdown = [
      'Welcome to our wellness area.',
      '# Spa',
      'The spa is on level -1.',
      '## Opening hours',
      'Daily from 9:00 to 21:00.',
      '### Holidays ###',
      'Closed on 25 December.',
      '## Prices',
      'A massage costs 90 EUR.',
      '# Pool',
      'Heated to 28 degrees.',
    ].join('\n');

    const chunks = chunkMarkdown('Wellness', markdown);

    expect(chunks.map((c) => c.heading)).toEqual([
      null,
      'Spa',
      'Spa > Opening hours',
      'Spa > Opening hours > Holidays',
      'Spa > Prices',
      'Pool',
    ]);
    expect(chunks[0].content).toBe('Wellness\n\nWelcome to our wellness area.');
    expect(chunks[2].content).toBe('Wellness > Spa > Opening hours\n\nDaily from 9:00 to 21:00.');
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('does not repeat a first heading that is the title', () => {
    const chunks = chunkMarkdown('Spa', '# Spa\n## Opening hours\nDaily from 9:00.');

    expect(chunks).toEqual([
      {
        index: 0,
        heading: 'Spa > Opening hours',
        content: 'Spa > Opening hours\n\nDaily from 9:00.',
        tokenEstimate: 10,
      },
    ]);
  });

  it('gives one section with a null heading to an entry without headings', () => {
    const chunks = chunkMarkdown('Parking', 'Garage under the hotel.\n\nValet until midnight.\n#nohashtag');

    expect(chunks).toHaveLength(1);
    expect(chunks[0].heading).toBeNull();
    expect(chunks[0].content).toBe('Parking\n\nGarage under the hotel.\n\nValet until midnight.\n#nohashtag');
  });

  it('produces no chunk for empty or whitespace-only sections', () => {
    const markdown = '# Empty\n\n   \n# Also empty\n\t\n## Filled\nSomething.\n# Trailing\n\n';

    expect(chunkMarkdown('Entry', markdown).map((c) => c.heading)).toEqual(['Also empty > Filled']);
    expect(chunkMarkdown('Entry', ' \n\n\t')).toEqual([]);
  });

  it('splits between paragraphs to stay under maxTokens and keeps each paragraph whole', () => {
    const paragraphs = Array.from({ length: 8 }, (_, i) => sentences(10, `Paragraph ${i}`));

    const chunks = chunkMarkdown('Rules', paragraphs.join('\n\n'), { maxTokens: 300, overlapTokens: 0 });

    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.tokenEstimate <= 300)).toBe(true);
    expect(chunks.flatMap((c) => body(c.content).split('\n\n'))).toEqual(paragraphs);
  });

  it('estimates tokens as a quarter of the characters of the content', () => {
    const [chunk] = chunkMarkdown('Bar', 'Cocktails from 18:00.');

    expect(chunk.tokenEstimate).toBe(estimateTokens(chunk.content));
    expect(estimateTokens('12345')).toBe(2);
  });

  it('overlaps consecutive chunks of a section with trailing text of the previous one', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => sentences(10, `Paragraph ${i}`));

    const chunks = chunkMarkdown('Rules', paragraphs.join('\n\n'), { maxTokens: 300, overlapTokens: 20 });

    for (let i = 1; i < chunks.length; i++) {
      const previous = body(chunks[i - 1].content);
      const overlap = body(chunks[i].content).split('\n\n')[0];
      expect(overlap.length).toBeGreaterThan(40);
      expect(overlap.length).toBeLessThanOrEqual(80);
      expect(previous.endsWith(overlap)).toBe(true);
      expect(chunks[i].tokenEstimate).toBeLessThanOrEqual(300);
    }
  });

  it('does not overlap chunks of different sections', () => {
    const chunks = chunkMarkdown('Entry', `# A\n${sentences(3)}\n# B\nFresh start.`, { overlapTokens: 60 });

    expect(body(chunks[1].content)).toBe('Fresh start.');
  });

  it('splits a paragraph longer than the limit at sentence ends', () => {
    const paragraph = sentences(60);

    const chunks = chunkMarkdown('House rules', paragraph, { maxTokens: 120, overlapTokens: 0 });

    expect(chunks.length).toBeGreaterThan(3);
    expect(
      chunks.every((c) => c.tokenEstimate <= 120 && /^Sentence .* ends here\.$/.test(body(c.content))),
    ).toBe(true);
    expect(chunks.map((c) => body(c.content)).join(' ')).toBe(paragraph);
  });

  it('falls back to words, never cutting one that fits', () => {
    const paragraph = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

    const chunks = chunkMarkdown('T', paragraph, { maxTokens: 50, overlapTokens: 0 });

    expect(chunks.map((c) => body(c.content)).join(' ')).toBe(paragraph);
    expect(chunks.every((c) => c.tokenEstimate <= 50)).toBe(true);
  });

  it('never splits an emoji, even inside one over-long word', () => {
    const markdown = `${'😀'.repeat(301)} ${'👍🏽'.repeat(75)} x${'🏊'.repeat(99)}`;

    const chunks = chunkMarkdown('Emoji', markdown, { maxTokens: 40, overlapTokens: 5 });

    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.tokenEstimate <= 40)).toBe(true);
    expect(chunks.some((c) => LONE_SURROGATE.test(c.content))).toBe(false);
    expect(chunks.some((c) => /(?<!👍)🏽|👍(?!🏽)/u.test(c.content))).toBe(false);
  });

  it('keeps a code fence that fits in a chunk whole, blank lines and # lines included', () => {
    const fence = [
      '```bash',
      '# not a heading',
      '',
      'curl https://example.test/wifi',
      '',
      'echo done',
      '```',
    ].join('\n');
    const markdown = [sentences(7), fence, sentences(7)].join('\n\n');

    const chunks = chunkMarkdown('Wi-Fi', markdown, { maxTokens: 80, overlapTokens: 10 });

    expect(chunks.filter((c) => c.content.includes(fence))).toHaveLength(1);
    expect(chunks.every((c) => c.heading === null && (c.content.match(/```/g) ?? []).length % 2 === 0)).toBe(
      true,
    );
  });

  it('splits a code fence longer than a chunk between lines into fences of their own', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} of the door code script`);
    const fence = ['~~~', ...lines, '~~~'].join('\n');

    const chunks = chunkMarkdown('Doors', fence, { maxTokens: 100 });

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => /^~~~\n[^~]+\n~~~$/.test(body(c.content)) && c.tokenEstimate <= 100)).toBe(
      true,
    );
    expect(chunks.flatMap((c) => body(c.content).split('\n').slice(1, -1))).toEqual(lines);
  });

  it('is deterministic', () => {
    const markdown = `# Spa\n${sentences(40)}\n\n## Hours\n${sentences(30)}`;

    expect(chunkMarkdown('Spa', markdown, { maxTokens: 90 })).toEqual(
      chunkMarkdown('Spa', markdown, { maxTokens: 90 }),
    );
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => chunkMarkdown('T', 'x', { maxTokens: 0 })).toThrow(RangeError);
    expect(() => chunkMarkdown('T', 'x', { overlapTokens: -1 })).toThrow(RangeError);
  });
});
