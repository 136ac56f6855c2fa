import { AppException, type FieldError, toFieldErrors } from '@app/platform';
import { plainToInstance } from 'class-transformer';
import { isISO8601, validateSync } from 'class-validator';
import { parse as parseCsv } from 'csv-parse/sync';

import { CreateKnowledgeDto, MAX_CONTENT_BYTES } from '../dtos/knowledge.dto';

export const MAX_IMPORT_ROWS = 5_000;

export type KnowledgeImportFormat = 'json' | 'csv' | 'markdown';
/** Filled into rows that leave these fields out (Markdown: category `other` unless given). */
export type KnowledgeImportDefaults = Partial<Pick<CreateKnowledgeDto, (typeof DEFAULT_FIELDS)[number]>>;
/** `body`: for JSON the already-parsed value, for CSV and Markdown the file's text. */
export type KnowledgeImportInput = {
  format: KnowledgeImportFormat;
  body: unknown;
  defaults?: KnowledgeImportDefaults;
};
/** `field` is '' when the error is about the row as a whole. */
export type ImportRowError = Required<FieldError>;
/** `row` is 1-based: JSON array position, CSV data row (blank rows skipped) or Markdown section. */
export type ImportRow = { row: number; entry?: CreateKnowledgeDto; errors?: ImportRowError[] };

/** Row codes besides class-validator's constraint names (`isIn`, `matches`, `unknown_field`…). */
export enum ImportRowErrorCode {
  InvalidRow = 'invalid_row',
  EmptySection = 'empty_section',
  ContentTooLarge = 'content_too_large',
  InvalidValidity = 'invalid_validity',
}

export enum ImportFormatErrorCode {
  InvalidBody = 'invalid_import_body',
  InvalidDefaults = 'invalid_import_defaults',
  InvalidCsv = 'invalid_csv',
  MissingColumn = 'missing_column',
  UnknownColumns = 'unknown_columns',
  DuplicateColumn = 'duplicate_column',
  TooManyRows = 'too_many_rows',
}
const Code = ImportFormatErrorCode;
const Row = ImportRowErrorCode;

/** The import as a whole cannot be read: nothing of it may be written. */
export class ImportFormatError extends AppException {
  constructor(code: ImportFormatErrorCode, detail: string, errors?: FieldError[]) {
    const tooMany = code === Code.TooManyRows;
    super(code, tooMany ? 413 : 400, tooMany ? 'Payload too large' : 'Invalid import', detail, errors);
  }
}

type Plain = Record<string, unknown>;
type Field = keyof CreateKnowledgeDto;

/** What the API's global ValidationPipe applies to a body. */
const VALIDATION = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
const DEFAULT_FIELDS = ['category', 'language', 'visibility', 'status'] as const;
const CSV_OPTIONS = { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true };
const FIELDS =
  'category title content keywords language priority status visibility validFrom validUntil sourceUrl';
/** Lower case without separators, so `valid_from`, `Valid From` and `validFrom` are one column. */
const canonical = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const FIELD_BY_KEY = new Map(FIELDS.split(' ').map((f) => [canonical(f), f as Field]));
const rowError = (field: string, code: string, message: string) => ({ field, code, message });

/**
 * Reads a knowledge-base import into validated entries, one report row per entry. A problem of
 * one row is that row's `errors`; a problem of the whole import throws ImportFormatError. Pure.
 */
export function parseKnowledgeImport(input: KnowledgeImportInput): ImportRow[] {
  const defaults = checkedDefaults(input.defaults);
  const { format, body } = input;
  if (format === 'json') return jsonRows(body, defaults);
  if (format === 'csv') return csvRows(textBody(body, format), defaults);
  if (format === 'markdown') return markdownRows(textBody(body, format), defaults);
  throw new ImportFormatError(Code.InvalidBody, `Unknown import format ${String(format)}.`);
}

function checkedDefaults(defaults: KnowledgeImportDefaults = {}): Plain {
  const given: Plain = {};
  for (const key of DEFAULT_FIELDS) if (defaults[key] !== undefined) given[key] = defaults[key];
  const dto = plainToInstance(CreateKnowledgeDto, given);
  const errors = toFieldErrors(validateSync(dto, { ...VALIDATION, skipMissingProperties: true }));
  const detail = `The import defaults are not valid: ${errors.map((e) => e.message).join('; ')}.`;
  if (errors.length > 0) throw new ImportFormatError(Code.InvalidDefaults, detail, errors);
  return given;
}

function validated(row: number, plain: Plain): ImportRow {
  const entry = plainToInstance(CreateKnowledgeDto, plain);
  const errors = toFieldErrors(validateSync(entry, VALIDATION)).map((e) =>
    rowError(e.field, e.code ?? 'invalid', e.message),
  );
  errors.push(...serviceRuleErrors(entry));
  return errors.length > 0 ? { row, errors } : { row, entry };
}

/** The checks KnowledgeService makes beyond the DTO, with its codes, as row errors. */
function serviceRuleErrors(entry: CreateKnowledgeDto): ImportRowError[] {
  const errors: ImportRowError[] = [];
  const bytes = typeof entry.content === 'string' ? Buffer.byteLength(entry.content, 'utf8') : 0;
  const tooLarge = `content is ${bytes} bytes; an entry holds at most ${MAX_CONTENT_BYTES}`;
  if (bytes > MAX_CONTENT_BYTES) errors.push(rowError('content', Row.ContentTooLarge, tooLarge));
  // NaN (a missing or malformed date, already reported) compares false.
  if (instant(entry.validUntil) <= instant(entry.validFrom))
    errors.push(rowError('validUntil', Row.InvalidValidity, 'validUntil must be later than validFrom'));
  return errors;
}

const instant = (value: unknown) =>
  typeof value === 'string' && isISO8601(value, { strict: true }) ? Date.parse(value) : NaN;

function checkRowCount(rows: number): void {
  const detail = `An import holds at most ${MAX_IMPORT_ROWS} entries; this one has ${rows}. Split it.`;
  if (rows > MAX_IMPORT_ROWS) throw new ImportFormatError(Code.TooManyRows, detail);
}

function textBody(body: unknown, format: KnowledgeImportFormat): string {
  if (typeof body !== 'string') throw new ImportFormatError(Code.InvalidBody, `A ${format} import is text.`);
  return body;
}

// --- JSON: an array of CreateKnowledgeDto bodies ------------------------------------------------

function jsonRows(body: unknown, defaults: Plain): ImportRow[] {
  if (!Array.isArray(body))
    throw new ImportFormatError(Code.InvalidBody, 'A JSON import must be an array of knowledge entries.');
  const bad = body.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
  const detail = `A JSON import must be an array of objects; element ${bad + 1} is not an object.`;
  if (bad >= 0) throw new ImportFormatError(Code.InvalidBody, detail);
  checkRowCount(body.length);
  return (body as Plain[]).map((item, i) => validated(i + 1, { ...defaults, ...item }));
}

// --- CSV: a header of field names, RFC 4180 quoting, optional BOM -------------------------------

/** Blank cells are absent fields; rows of blank cells are skipped and not numbered. */
function csvRows(text: string, defaults: Plain): ImportRow[] {
  const [header, ...records] = readCsv(text);
  if (!header) throw new ImportFormatError(Code.MissingColumn, 'The CSV file has no header row.');
  const fields = headerFields(header);
  const data = records.filter((cells) => cells.some((cell) => cell.trim() !== ''));
  checkRowCount(data.length);
  return data.map((cells, i) => csvRow(i + 1, fields, cells, defaults));
}

function readCsv(text: string): string[][] {
  try {
    return parseCsv(text, CSV_OPTIONS);
  } catch (err) {
    throw new ImportFormatError(Code.InvalidCsv, `The CSV file cannot be read: ${(err as Error).message}`);
  }
}

function headerFields(header: string[]): Field[] {
  const fields = header.map((name) => FIELD_BY_KEY.get(canonical(name)));
  const unknown = header.filter((_, i) => fields[i] === undefined).map((name) => JSON.stringify(name));
  const known = `Unknown column(s) ${unknown.join(', ')}; the columns are ${FIELDS.split(' ').join(', ')}.`;
  if (unknown.length > 0) throw new ImportFormatError(Code.UnknownColumns, known);
  const repeated = fields.find((field, i) => fields.indexOf(field) !== i);
  if (repeated) throw new ImportFormatError(Code.DuplicateColumn, `Two columns name ${repeated}.`);
  const missing = (['title', 'content'] as const).filter((field) => !fields.includes(field));
  const detail = `The CSV header must have the column(s) ${missing.join(' and ')}.`;
  if (missing.length > 0) throw new ImportFormatError(Code.MissingColumn, detail);
  return fields as Field[];
}

function csvRow(row: number, fields: Field[], cells: string[], defaults: Plain): ImportRow {
  if (cells.length !== fields.length) {
    const message = `expected ${fields.length} columns, found ${cells.length}`;
    return { row, errors: [rowError('', Row.InvalidRow, message)] };
  }
  const pairs = fields.map((field, i) => [field, cellValue(field, cells[i])] as const);
  const plain = Object.fromEntries(pairs.filter(([, value]) => value !== undefined));
  return validated(row, { ...defaults, ...plain });
}

/** Content is kept verbatim (indentation is Markdown); other cells are trimmed. */
function cellValue(field: Field, cell: string): unknown {
  const text = cell.trim();
  if (text === '') return undefined;
  if (field === 'content') return cell;
  if (field === 'keywords') return text.split(/[;|]/).flatMap((k) => (k.trim() ? [k.trim()] : []));
  if (field === 'priority' && /^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

// --- Markdown: one entry per section ------------------------------------------------------------

const HEADING = /^ {0,3}(#{1,2})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

type Heading = { line: number; level: number; text: string };

/**
 * With more than one `#` heading (or no `##` one) sections start at `#` and keep their `##`;
 * otherwise they start at `##`, and a lone `#` is the document's title, not an entry. Text before
 * the first section is ignored; a document without `#`/`##` headings is one entry titled by its
 * first line. Only ATX headings count, and `#` inside a code fence is code.
 */
function markdownRows(text: string, defaults: Plain): ImportRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  const found = headings(lines);
  const ones = found.filter((h) => h.level === 1).length;
  const level = ones > 1 || ones === found.length ? 1 : 2;
  const cuts = found.filter((h) => h.level <= level);
  if (cuts.length === 0) return wholeDocument(lines, defaults);
  const sections = cuts.flatMap((h, i) =>
    h.level === level ? [{ title: h.text, body: lines.slice(h.line + 1, cuts[i + 1]?.line) }] : [],
  );
  checkRowCount(sections.length);
  return sections.map((s, i) => markdownRow(i + 1, s.title, s.body.join('\n'), defaults));
}

/** Level 1 and 2 ATX headings outside code fences (an unclosed fence runs to the end). */
function headings(lines: string[]): Heading[] {
  const found: Heading[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    if (fence !== undefined) {
      const close = FENCE_CLOSE.exec(line)?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) fence = undefined;
      return;
    }
    fence = FENCE_OPEN.exec(line)?.[1];
    const heading = fence === undefined ? HEADING.exec(line) : null;
    if (heading) found.push({ line: i, level: heading[1].length, text: (heading[2] ?? '').trim() });
  });
  return found;
}

function wholeDocument(lines: string[], defaults: Plain): ImportRow[] {
  const first = lines.find((line) => line.trim() !== '');
  if (first === undefined) return [];
  // A title holds 255 characters; a first line that is a whole paragraph is cut there.
  const title = [...first.trim().replace(/^#{3,6}[ \t]+/, '')].slice(0, 255).join('');
  return [markdownRow(1, title, lines.join('\n'), defaults)];
}

/** Content without surrounding blank lines; its first line keeps its indentation. */
function markdownRow(row: number, title: string, body: string, defaults: Plain): ImportRow {
  const content = body.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
  const result = validated(row, { category: 'other', ...defaults, title, content });
  if (content !== '') return result;
  const others = (result.errors ?? []).filter((e) => e.field !== 'content');
  const message = `the section ${JSON.stringify(title)} has no content`;
  return { row, errors: [rowError('content', Row.EmptySection, message), ...others] };
}
