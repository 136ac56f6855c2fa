import { type Readable } from 'node:stream';

import { type PropertyAccess, RequestAudit, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { type CsvError, parse } from 'csv-parse';

import { type PmsImportReportDto } from './pms.dto';
import { ImportFileException, TooManyRowsException, UnknownColumnsException } from './pms.exceptions';
import {
  type ColumnTarget,
  columnTarget,
  type PmsGuestInput,
  type PmsRecord,
  type RecordParser,
  type RowError,
  RowErrorCode,
  RowRejected,
} from './pms-record';
import { PmsSyncService } from './pms-sync.service';

export const MAX_IMPORT_ROWS = 50_000;
const BATCH_SIZE = 1_000;
const CONCURRENT_BATCHES = 2;

/**
 * Bulk upsert of guests and reservations from a PMS export (a JSON array or a CSV file). Every
 * row is parsed and checked first (a file over the row limit is refused before anything is
 * written), then written in batches of about 1,000 rows, each batch its own transaction. A bad row is
 * reported with its line and never blocks the others; a row is written whole or not at all.
 */
@Injectable()
export class PmsImportService {
  constructor(
    private readonly db: TenantDb,
    private readonly sync: PmsSyncService,
    private readonly audit: RequestAudit,
  ) {}

  async importJson(access: PropertyAccess, rows: unknown): Promise<PmsImportReportDto> {
    if (!Array.isArray(rows))
      throw new ImportFileException(
        'The body must be a JSON array of rows (or send a CSV file as multipart).',
      );
    if (rows.length > MAX_IMPORT_ROWS) throw new TooManyRowsException(MAX_IMPORT_ROWS);
    const parser = await this.parser(access);
    const records: PmsRecord[] = [];
    const rejected: RowError[] = [];
    rows.forEach((row, i) => collect(() => parser.fromObject(row, i + 1), i + 1, records, rejected));
    return this.run(access, 'json', rows.length, records, rejected);
  }

  async importCsv(access: PropertyAccess, file: Readable): Promise<PmsImportReportDto> {
    const parser = await this.parser(access);
    const records: PmsRecord[] = [];
    const rejected: RowError[] = [];
    let targets: ColumnTarget[] | undefined;
    let rows = 0;
    const csv = parse({ bom: true, relax_column_count: true, skip_records_with_error: true });
    csv.on('skip', (err: CsvError) => {
      rows++;
      rejected.push({
        line: Number((err as CsvError & { lines?: number }).lines ?? 0),
        code: RowErrorCode.InvalidRow,
        reason: `unreadable CSV row: ${err.message}`,
      });
    });
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
        if (++rows > MAX_IMPORT_ROWS) throw new TooManyRowsException(MAX_IMPORT_ROWS);
        collect(() => parser.fromCells(targets!, record, start), start, records, rejected);
      }
    } finally {
      file.resume(); // drain what is left so the connection can answer
    }
    if (!targets) throw new ImportFileException('The CSV file is empty: a header row is required.');
    if ((file as Readable & { truncated?: boolean }).truncated)
      throw new ImportFileException('The file is larger than the upload limit.', 413);
    return this.run(access, 'csv', rows, records, rejected);
  }

  private parser(access: PropertyAccess): Promise<RecordParser> {
    return this.db.run({ propertyId: access.propertyId, userId: access.userId }, () => this.sync.parser());
  }

  private async run(
    access: PropertyAccess,
    format: 'json' | 'csv',
    rows: number,
    parsed: PmsRecord[],
    rejected: RowError[],
  ): Promise<PmsImportReportDto> {
    const started = Date.now();
    const records = coalesce(parsed, rejected);
    const report: PmsImportReportDto = {
      format,
      rows,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      stale: 0,
      guests: { created: 0, updated: 0, unchanged: 0 },
      reservations: { created: 0, updated: 0, unchanged: 0 },
      rejectedRows: [],
      durationMs: 0,
    };
    const scope = { propertyId: access.propertyId, userId: access.userId };
    const batches = batchesByGuest(records);
    let analyzedAt = 0;
    // Two batches at a time: one plans in Node while the other waits on PostgreSQL. A guest's rows
    // share a batch, so concurrent batches touch different guests and reservations.
    for (let i = 0; i < batches.length; i += CONCURRENT_BATCHES) {
      // Fresh statistics as the property grows (after 2k, 4k, 8k, … new rows) keep writes indexed.
      const inserted = report.guests.created + report.reservations.created;
      if (inserted >= Math.max(2 * analyzedAt, 2_000)) {
        await this.sync.refreshStatistics();
        analyzedAt = inserted;
      }
      const results = await Promise.all(
        batches.slice(i, i + CONCURRENT_BATCHES).map((batch) => this.sync.applyBatch(scope, batch)),
      );
      for (const result of results) {
        for (const o of result.outcomes) {
          report[o.change]++;
          if (o.stale) report.stale++;
          if (o.guest) report.guests[o.guest]++;
          if (o.reservation) report.reservations[o.reservation]++;
        }
        rejected.push(...result.rejected);
      }
    }
    report.rejectedRows = rejected.sort((a, b) => a.line - b.line);
    report.rejected = rejected.length;
    report.durationMs = Date.now() - started;
    const { rejectedRows: _rows, ...counts } = report;
    this.audit.addDetails({ import: counts });
    return report;
  }
}

function collect(parse: () => PmsRecord, line: number, records: PmsRecord[], rejected: RowError[]): void {
  try {
    records.push(parse());
  } catch (err) {
    if (!(err instanceof RowRejected)) throw err;
    rejected.push({ line, code: err.code, reason: err.reason, field: err.field });
  }
}

/** Line breaks inside the cells of one CSV record (\r\n counts once). */
function lineBreaks(cells: string[]): number {
  let breaks = 0;
  for (const cell of cells)
    if (cell.includes('\n') || cell.includes('\r')) breaks += cell.match(/\r\n|\r|\n/g)!.length;
  return breaks;
}

/**
 * Batches of about BATCH_SIZE records, in file order, that keep every record of one guest (by
 * PMS id, else email, else phone) together.
 */
function batchesByGuest(records: PmsRecord[]): PmsRecord[][] {
  const groups = new Map<string, PmsRecord[]>();
  records.forEach((r, i) => {
    const g = r.guest;
    const key = g?.externalId
      ? `p:${g.externalId}`
      : g?.email
        ? `e:${g.email}`
        : g?.phone
          ? `t:${g.phone}`
          : `#${i}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  });
  const batches: PmsRecord[][] = [];
  let current: PmsRecord[] = [];
  for (const group of groups.values()) {
    if (current.length > 0 && current.length + group.length > BATCH_SIZE) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
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

/**
 * Makes a file's outcome independent of row order, so importing it twice changes nothing:
 * a reservation listed twice is rejected the second time, and a guest on several rows gets one
 * merged profile (for each field the newest value by `updatedAt`, else the last one in the file).
 */
function coalesce(records: PmsRecord[], rejected: RowError[]): PmsRecord[] {
  const firstLine = new Map<string, number>();
  const kept: PmsRecord[] = [];
  for (const record of records) {
    const id = record.reservation?.externalId;
    if (id !== undefined && firstLine.has(id)) {
      rejected.push({
        line: record.line,
        code: RowErrorCode.DuplicateInFile,
        reason: `reservation ${id} already appears on line ${firstLine.get(id)}`,
        field: 'reservationExternalId',
      });
      continue;
    }
    if (id !== undefined) firstLine.set(id, record.line);
    kept.push(record);
  }
  const byGuest = new Map<string, PmsGuestInput[]>();
  for (const r of kept)
    if (r.guest?.externalId)
      byGuest.set(r.guest.externalId, [...(byGuest.get(r.guest.externalId) ?? []), r.guest]);
  const merged = new Map<string, PmsGuestInput>();
  for (const [id, versions] of byGuest) {
    if (versions.length === 1) continue;
    const ordered = versions
      .map((g, i) => ({ g, i }))
      .sort((a, b) => (a.g.updatedAt ?? '').localeCompare(b.g.updatedAt ?? '') || a.i - b.i);
    const fold: PmsGuestInput = {};
    for (const { g } of ordered)
      for (const [k, v] of Object.entries(g) as [keyof PmsGuestInput, string | undefined][])
        if (v !== undefined) fold[k] = v;
    merged.set(id, fold);
  }
  return kept.map((r) =>
    r.guest?.externalId && merged.has(r.guest.externalId)
      ? { ...r, guest: merged.get(r.guest.externalId) }
      : r,
  );
}
