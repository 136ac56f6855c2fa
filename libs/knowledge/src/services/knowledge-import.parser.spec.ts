import 'reflect-metadata';

import { AppException } from '@app/platform';

import { CreateKnowledgeDto, MAX_CONTENT_BYTES } from '../dtos/knowledge.dto';
import {
  ImportFormatError,
  ImportFormatErrorCode,
  type ImportRow,
  type KnowledgeImportDefaults,
  MAX_IMPORT_ROWS,
  parseKnowledgeImport,
} from './knowledge-import.parser';

const json = (body: unknown, defaults?: KnowledgeImportDefaults) =>
  parseKnowledgeImport({ format: 'json', body, defaults });
const csv = (body: string, defaults?: KnowledgeImportDefaults) =>
  parseKnowledgeImport({ format: 'csv', body, defaults });
const markdown = (body: string, defaults?: KnowledgeImportDefaults) =>
  parseKnowledgeImport({ format: 'markdown', body, defaults });

/** `field:code` of each error of a row, [] for a valid row. */
const problems = (row: ImportRow) => (row.errors ?? []).map((e) => `${e.field}:${e.code}`);

/** The ImportFormatError that `run` throws (fails the test when it throws nothing or another error). */
function formatError(run: () => unknown): ImportFormatError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportFormatError);
    return err as ImportFormatError;
  }
  throw new Error('expected an ImportFormatError');
}

const ENTRY = { category: 'dining', title: 'Breakfast hours', content: 'Daily 7:00–10:30 in the Atrium.' };

describe(parseKnowledgeImport.name, () => {
  describe('json', () => {
    it('returns a validated CreateKnowledgeDto per element when every element is valid', () => {
      const full = {
        ...ENTRY,
        keywords: ['breakfast', 'morning'],
        language: 'pt-BR',
        priority: 8,
        status: 'draft',
        visibility: 'internal',
        validFrom: '2026-05-01T00:00:00Z',
        validUntil: '2026-10-01T00:00:00Z',
        sourceUrl: 'https://hotel.example/breakfast',
      };

      const rows = json([ENTRY, full]);

      expect(rows.map((r) => r.row)).toEqual([1, 2]);
      expect(rows.map(problems)).toEqual([[], []]);
      expect(rows[0].entry).toBeInstanceOf(CreateKnowledgeDto);
      expect(rows[0].errors).toBeUndefined();
      expect({ ...rows[1].entry }).toEqual(full);
    });

    it('reports unknown fields, a bad category, empty content and a bad date on their own rows', () => {
      const rows = json([
        { ...ENTRY, id: 'e1f0' },
        { ...ENTRY, category: 'spa' },
        { ...ENTRY, content: '  \n ' },
        { ...ENTRY, validFrom: '2026-02-30' },
        { ...ENTRY, language: null },
        ENTRY,
      ]);

      expect(rows.map(problems)).toEqual([
        ['id:unknown_field'],
        ['category:isIn'],
        ['content:matches'],
        ['validFrom:isIso8601'],
        ['language:matches'],
        [],
      ]);
      expect(rows.map((r) => r.entry === undefined)).toEqual([true, true, true, true, true, false]);
    });

    it('reports content_too_large by UTF-8 bytes, not characters', () => {
      const fits = 'é'.repeat(MAX_CONTENT_BYTES / 2); // 2 bytes each: exactly the limit
      const rows = json([
        { ...ENTRY, content: fits },
        { ...ENTRY, content: `${fits}!` },
      ]);

      expect(rows.map(problems)).toEqual([[], ['content:content_too_large']]);
      expect(rows[1].errors![0].message).toContain(`${MAX_CONTENT_BYTES + 1} bytes`);
    });

    it('reports invalid_validity when validUntil does not come after validFrom, comparing instants', () => {
      const rows = json([
        { ...ENTRY, validFrom: '2026-06-01T10:00:00Z', validUntil: '2026-06-01T10:00:00Z' },
        { ...ENTRY, validFrom: '2026-07-01', validUntil: '2026-06-01' },
        // 11:00Z is after 12:00+02:00 (10:00Z), although it sorts before it as text.
        { ...ENTRY, validFrom: '2026-06-01T12:00:00+02:00', validUntil: '2026-06-01T11:00:00Z' },
        { ...ENTRY, validFrom: '2026-06-01' },
      ]);

      expect(rows.map(problems)).toEqual([
        ['validUntil:invalid_validity'],
        ['validUntil:invalid_validity'],
        [],
        [],
      ]);
    });

    it('requires a category unless defaults give one, and never overrides a given field', () => {
      const { category: _, ...uncategorized } = ENTRY;
      const rows = [{ ...uncategorized, language: 'en' }, { ...ENTRY }];

      const without = json(rows);
      const withDefaults = json(rows, { category: 'policy', language: 'de', visibility: 'internal' });

      expect(without.map(problems)).toEqual([['category:isIn'], []]);
      expect(withDefaults.map(problems)).toEqual([[], []]);
      expect(withDefaults.map((r) => [r.entry!.category, r.entry!.language, r.entry!.visibility])).toEqual([
        ['policy', 'en', 'internal'],
        ['dining', 'de', 'internal'],
      ]);
    });

    it('throws invalid_import_body when the body is not an array of objects', () => {
      for (const body of [{ entries: [ENTRY] }, 'text', null, [ENTRY, 'text'], [ENTRY, [ENTRY]], [null]])
        expect(formatError(() => json(body)).code).toBe(ImportFormatErrorCode.InvalidBody);
      expect(formatError(() => json([ENTRY, 42])).message).toContain('element 2');
    });

    it('returns no rows for an empty array', () => {
      expect(json([])).toEqual([]);
    });
  });

  describe('csv', () => {
    it('reads snake_case headers, split keywords, numeric priority, blank cells, a BOM and verbatim multi-line content', () => {
      const file = [
        '\uFEFFCategory,Title,content,keywords,priority,valid_from,Valid Until,source_url',
        'dining,Breakfast hours,"Daily 7:00–10:30.',
        '',
        '```',
        '# not a heading',
        '```",breakfast; morning | buffet,7,2026-05-01,,https://hotel.example/b',
        'faq, Parking ,"    garage --level 2",,,,,',
      ].join('\n');

      const rows = csv(file);

      expect(rows.map(problems)).toEqual([[], []]);
      expect({ ...rows[0].entry }).toEqual({
        category: 'dining',
        title: 'Breakfast hours',
        content: 'Daily 7:00–10:30.\n\n```\n# not a heading\n```',
        keywords: ['breakfast', 'morning', 'buffet'],
        priority: 7,
        validFrom: '2026-05-01',
        sourceUrl: 'https://hotel.example/b',
      });
      expect({ ...rows[1].entry }).toEqual({
        category: 'faq',
        title: 'Parking',
        content: '    garage --level 2',
      });
    });

    it('reports a row with the wrong number of cells as invalid_row and numbers data rows', () => {
      const file =
        'category,title,content\n\nfaq,Wi-Fi,Free\nfaq,Pool\n,,\nfaq,Gym,24/7,extra\nfaq,Spa,Level 1\n';

      const rows = csv(file);

      expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4]);
      expect(rows.map(problems)).toEqual([[], [':invalid_row'], [':invalid_row'], []]);
      expect(rows[1].errors![0].message).toBe('expected 3 columns, found 2');
    });

    it('reports a bad priority and a missing category per row; defaults fill blank cells only', () => {
      const file = 'title,content,category,priority\nPool,Heated,,5\nGym,24/7,amenity,1.5\nSpa,Level 1,,11';

      const without = csv(file);
      const withDefaults = csv(file, { category: 'amenity' });

      expect(without.map(problems)).toEqual([
        ['category:isIn'],
        ['priority:isInt'],
        ['category:isIn', 'priority:max'],
      ]);
      expect(withDefaults.map(problems)).toEqual([[], ['priority:isInt'], ['priority:max']]);
      expect(withDefaults[0].entry).toMatchObject({ category: 'amenity', priority: 5 });
    });

    it('throws missing_column when the header lacks title or content', () => {
      const error = formatError(() => csv('category,title\nfaq,Wi-Fi'));

      expect(error.code).toBe(ImportFormatErrorCode.MissingColumn);
      expect(error.message).toContain('content');
      expect(formatError(() => csv('content\nFree')).code).toBe(ImportFormatErrorCode.MissingColumn);
      expect(formatError(() => csv('\n\n')).code).toBe(ImportFormatErrorCode.MissingColumn);
    });

    it('throws unknown_columns and duplicate_column for a header it cannot map', () => {
      const unknown = formatError(() => csv('title,content,titel\nA,B,C'));

      expect(unknown.code).toBe(ImportFormatErrorCode.UnknownColumns);
      expect(unknown.message).toContain('"titel"');
      expect(formatError(() => csv('title,content,valid_from,validFrom\n')).code).toBe(
        ImportFormatErrorCode.DuplicateColumn,
      );
    });

    it('throws invalid_csv when a quote is left open', () => {
      const error = formatError(() => csv('title,content\nWi-Fi,"Free\nPool,Heated\n'));

      expect(error.code).toBe(ImportFormatErrorCode.InvalidCsv);
    });
  });

  describe('markdown', () => {
    it('splits on # when there is more than one, keeping ## inside, with category other by default', () => {
      const doc =
        'Intro text is ignored.\n# Spa\nLevel -1.\n\n## Hours\n9–21 daily.\n# Pool ##\n\n  Heated.\n\n';

      const rows = markdown(doc, { language: 'pt', visibility: 'internal' });

      expect(rows.map(problems)).toEqual([[], []]);
      expect(rows.map((r) => ({ ...r.entry }))).toEqual([
        {
          category: 'other',
          language: 'pt',
          visibility: 'internal',
          title: 'Spa',
          content: 'Level -1.\n\n## Hours\n9–21 daily.',
        },
        { category: 'other', language: 'pt', visibility: 'internal', title: 'Pool', content: '  Heated.' },
      ]);
      expect(markdown(doc, { category: 'amenity' })[0].entry!.category).toBe('amenity');
    });

    it('splits on ## when there is at most one #, which is the document title', () => {
      const doc =
        '# Hotel Miramar FAQ\nWelcome!\n## Wi-Fi\nFree.\n### Password\nAsk reception.\n## Parking\nGarage.';

      const rows = markdown(doc);

      expect(rows.map((r) => [r.row, r.entry!.title, r.entry!.content])).toEqual([
        [1, 'Wi-Fi', 'Free.\n### Password\nAsk reception.'],
        [2, 'Parking', 'Garage.'],
      ]);
    });

    it('does not take # inside a code fence for a heading and keeps the fence intact', () => {
      const fenced = '```bash\n# restart the router\nsudo reboot\n```';
      const doc = `# Wi-Fi\nSteps:\n\n${fenced}\n~~~~\n# still code\n~~~\n# also code\n~~~~\nDone.\n# Parking\nGarage.`;

      const rows = markdown(doc);

      expect(rows.map((r) => r.entry!.title)).toEqual(['Wi-Fi', 'Parking']);
      expect(rows[0].entry!.content).toBe(
        `Steps:\n\n${fenced}\n~~~~\n# still code\n~~~\n# also code\n~~~~\nDone.`,
      );
    });

    it('makes a document without headings one entry titled by its first line', () => {
      const rows = markdown('\n\nCheck-out is at 11:00.\nLate check-out costs 20 EUR.\n');

      expect(rows).toHaveLength(1);
      expect(rows[0].entry).toMatchObject({
        title: 'Check-out is at 11:00.',
        content: 'Check-out is at 11:00.\nLate check-out costs 20 EUR.',
        category: 'other',
      });
      expect(markdown('  \n\n')).toEqual([]);
    });

    it('reports an empty section as empty_section and keeps numbering the others', () => {
      const rows = markdown('## Wi-Fi\nFree.\n## Parking\n   \n\n## Gym\nOpen 24/7.');

      expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
      expect(rows.map(problems)).toEqual([[], ['content:empty_section'], []]);
      expect(rows[1].errors![0].message).toContain('"Parking"');
    });

    it('tolerates a BOM and CRLF line endings', () => {
      const rows = markdown('\uFEFF# Wi-Fi\r\nFree.\r\nAsk for the code.\r\n# Parking\r\nGarage.\r\n');

      expect(rows.map((r) => [r.entry!.title, r.entry!.content])).toEqual([
        ['Wi-Fi', 'Free.\nAsk for the code.'],
        ['Parking', 'Garage.'],
      ]);
    });

    it('throws invalid_import_body when the body is not text', () => {
      const error = formatError(() => parseKnowledgeImport({ format: 'markdown', body: { text: '# A' } }));

      expect(error.code).toBe(ImportFormatErrorCode.InvalidBody);
    });
  });

  describe('limits and defaults', () => {
    it(`accepts ${MAX_IMPORT_ROWS} rows and throws too_many_rows (413) for one more, in every format`, () => {
      const many = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ ...ENTRY, title: `Entry ${i + 1}` }));
      const csvOf = (n: number) => ['title,content', ...many(n).map((e) => `${e.title},x`)].join('\n');
      const markdownOf = (n: number) =>
        many(n)
          .map((e) => `# ${e.title}\nx`)
          .join('\n');

      expect(json(many(MAX_IMPORT_ROWS))).toHaveLength(MAX_IMPORT_ROWS);
      for (const run of [
        () => json(many(MAX_IMPORT_ROWS + 1)),
        () => csv(csvOf(MAX_IMPORT_ROWS + 1)),
        () => markdown(markdownOf(MAX_IMPORT_ROWS + 1)),
      ]) {
        const error = formatError(run);
        expect(error.code).toBe(ImportFormatErrorCode.TooManyRows);
        expect(error.status).toBe(413);
      }
    });

    it('throws invalid_import_defaults (400) when a default is not a valid value', () => {
      const error = formatError(() => json([ENTRY], { category: 'spa', language: 'en' }));

      expect(error).toBeInstanceOf(AppException);
      expect(error.code).toBe(ImportFormatErrorCode.InvalidDefaults);
      expect(error.status).toBe(400);
      expect(error.errors).toEqual([expect.objectContaining({ field: 'category', code: 'isIn' })]);
    });

    it('throws invalid_import_body for an unknown format', () => {
      const input = { format: 'xml', body: '<a/>' } as unknown as Parameters<typeof parseKnowledgeImport>[0];

      expect(formatError(() => parseKnowledgeImport(input)).code).toBe(ImportFormatErrorCode.InvalidBody);
    });
  });
});
