import { type Readable } from 'node:stream';

import { AppException } from '@app/platform';
import { type CsvError, parse } from 'csv-parse';

import {
  ImportFileException,
  TooManyRowsException,
  UnknownColumnsException,
} from '../exceptions/pms.exceptions';
import {
  type ColumnTarget,
  columnTarget,
  type PmsRecord,
  type RecordParser,
  type RowError,
  RowRejected,
} from './pms-record.parser';

export interface ParsedFile {
  rows: number;
  records: PmsRecord[];
  rejected: RowError[];
}

/**
 * Reads a CSV export (UTF-8, optional BOM, RFC 4180 quoting; a stray quote inside an unquoted
 * field is kept as text) into records. A row with the wrong number of cells is rejected alone; a
 * quote left open makes the rest of the file unreadable, so the file is refused with its line.
 * Upload errors (a cut connection, a file over the limit) end the read with a problem.
 */
export async function readCsv(file: Readable, parser: RecordParser, maxRows: number): Promise<ParsedFile> {
  const out: ParsedFile = { rows: 0, records: [], rejected: [] };
  const csv = parse({ bom: true, relax_column_count: true, relax_quotes: true });
  // The upload may have failed before we got to it (a cut request ends busboy's parse while the
  // property lookup ran), and pipe() does not pass a source error on: without these checks a
  // broken upload would never end the read.
  if (file.errored) throw readProblem(file.errored, 1);
  if (file.destroyed) throw new ImportFileException('The upload ended before the file did.');
  file.on('error', (err) => csv.destroy(err));
  let targets: ColumnTarget[] | undefined;
  let line = 1;
  try {
    for await (const record of file.pipe(csv) as AsyncIterable<string[]>) {
      const start = line;
      line += 1 + lineBreaks(record); // a quoted field may span lines
      if (record.length === 1 && record[0] === '') continue; // an empty line
      if (!targets) {
        targets = headerTargets(record);
        continue;
      }
      if (++out.rows > maxRows) throw new TooManyRowsException(maxRows);
      try {
        out.records.push(parser.fromCells(targets, record, start));
      } catch (err) {
        if (!(err instanceof RowRejected)) throw err;
        out.rejected.push({ line: start, code: err.code, reason: err.reason, field: err.field });
      }
    }
  } catch (err) {
    throw readProblem(err, line);
  } finally {
    file.resume(); // drain what is left so the connection can answer
  }
  if ((file as Readable & { truncated?: boolean }).truncated)
    throw new ImportFileException('The file is larger than the upload limit.', 413);
  if (!targets) throw new ImportFileException('The CSV file is empty: a header row is required.');
  return out;
}

function readProblem(err: unknown, line: number): unknown {
  if (err instanceof AppException) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new ImportFileException('The file is larger than the upload limit.', 413);
  if (typeof code === 'string' && code.startsWith('CSV_')) {
    const at = (err as CsvError & { lines?: number }).lines ?? line;
    return new ImportFileException(`The CSV file cannot be read from line ${at}: ${(err as Error).message}`);
  }
  return new ImportFileException(`The upload could not be read: ${(err as Error).message}`);
}

/** Line breaks inside the cells of one CSV record (\r\n counts once). */
function lineBreaks(cells: string[]): number {
  let breaks = 0;
  for (const cell of cells)
    if (cell.includes('\n') || cell.includes('\r')) breaks += cell.match(/\r\n|\r|\n/g)!.length;
  return breaks;
}

function headerTargets(header: string[]): ColumnTarget[] {
  const targets = header.map((name) => columnTarget(name));
  const unknown = header.filter((_, i) => !targets[i]);
  if (unknown.length > 0) throw new UnknownColumnsException(unknown);
  const seen = new Map<string, string>();
  header.forEach((name, i) => {
    const key = `${targets[i]!.entity}.${targets[i]!.field}`;
    if (seen.has(key))
      throw new ImportFileException(`Columns ${seen.get(key)} and ${name} mean the same field.`);
    seen.set(key, name);
  });
  return targets as ColumnTarget[];
}
