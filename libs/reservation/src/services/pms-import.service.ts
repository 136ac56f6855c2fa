import { AppException, type PropertyAccess, RequestAudit, TenantDb, toProblem } from '@app/platform';
import { type Multipart } from '@fastify/multipart';
import { Injectable } from '@nestjs/common';

import { type PmsImportReportDto } from '../dtos/pms.dto';
import {
  ImportFileException,
  ImportInterruptedException,
  TooManyRowsException,
  UnsupportedImportException,
} from '../exceptions/pms.exceptions';
import { type ParsedFile, readCsv } from './pms-csv.reader';
import { planImport } from './pms-import.plan';
import { type PmsRecord, type RecordParser, RowRejected } from './pms-record.parser';
import { type BatchResult, PmsSyncService } from './pms-sync.service';

export const MAX_IMPORT_ROWS = 50_000;
const BATCH_SIZE = 1_000;
const CONCURRENT_BATCHES = 2;

/**
 * Bulk upsert of guests and reservations from a PMS export (a JSON array or a CSV file). Every
 * row is parsed and checked first (a file over the row limit is refused before anything is
 * written), then written in batches of about 1,000 rows, each its own transaction. A bad row is
 * reported with its line and never blocks the others; a row is written whole or not at all.
 */
@Injectable()
export class PmsImportService {
  constructor(
    private readonly db: TenantDb,
    private readonly sync: PmsSyncService,
    private readonly audit: RequestAudit,
  ) {}

  async importJson(access: PropertyAccess, contentType: string, rows: unknown): Promise<PmsImportReportDto> {
    if (!contentType.toLowerCase().startsWith('application/json')) throw new UnsupportedImportException();
    if (!Array.isArray(rows))
      throw new ImportFileException(
        'The body must be a JSON array of rows (or send a CSV file as multipart).',
      );
    if (rows.length > MAX_IMPORT_ROWS) throw new TooManyRowsException(MAX_IMPORT_ROWS);
    const parser = await this.parser(access);
    const file: ParsedFile = { rows: rows.length, records: [], rejected: [] };
    rows.forEach((row, i) => {
      try {
        file.records.push(parser.fromObject(row, i + 1));
      } catch (err) {
        if (!(err instanceof RowRejected)) throw err;
        file.rejected.push({ line: i + 1, code: err.code, reason: err.reason, field: err.field });
      }
    });
    return this.run(access, 'json', file);
  }

  /** A multipart upload holding exactly one CSV file, in the field `file`. */
  async importUpload(
    access: PropertyAccess,
    parts: AsyncIterableIterator<Multipart>,
  ): Promise<PmsImportReportDto> {
    const parser = await this.parser(access);
    let file: ParsedFile | undefined;
    try {
      for await (const part of parts) {
        if (part.type !== 'file') continue;
        if (file || part.fieldname !== 'file')
          throw new ImportFileException('Send one CSV file, in the multipart field "file".');
        file = await readCsv(part.file, parser, MAX_IMPORT_ROWS);
      }
    } catch (err) {
      throw uploadProblem(err);
    }
    if (!file) throw new ImportFileException('Attach the CSV file as the multipart field "file".');
    return this.run(access, 'csv', file);
  }

  private parser(access: PropertyAccess): Promise<RecordParser> {
    return this.db.run({ propertyId: access.propertyId, userId: access.userId }, () => this.sync.parser());
  }

  private async run(
    access: PropertyAccess,
    format: 'json' | 'csv',
    file: ParsedFile,
  ): Promise<PmsImportReportDto> {
    const started = Date.now();
    const rejected = [...file.rejected];
    const report = emptyReport(format, file.rows);
    const batches = planImport(file.records, rejected, BATCH_SIZE);
    try {
      await this.applyAll(access, batches, (result) => {
        addOutcomes(report, result);
        rejected.push(...result.rejected);
      });
    } catch (err) {
      const written = report.created + report.updated + report.unchanged;
      if (written === 0) throw err;
      throw new ImportInterruptedException(
        written,
        file.rows,
        toProblem(err).body.status,
        (err as Error).message,
      );
    }
    report.rejectedRows = rejected.sort((a, b) => a.line - b.line);
    report.rejected = rejected.length;
    report.durationMs = Date.now() - started;
    const { rejectedRows: _rows, ...counts } = report;
    this.audit.addDetails({ import: counts });
    return report;
  }

  /**
   * Two batches at a time: one plans in Node while the other waits on PostgreSQL (a guest's rows
   * share a batch, so concurrent batches touch different rows). Both finish before a failure is
   * reported, so what the answer says was written is all that was.
   */
  private async applyAll(
    access: PropertyAccess,
    batches: PmsRecord[][],
    onResult: (result: BatchResult) => void,
  ): Promise<void> {
    const scope = { propertyId: access.propertyId, userId: access.userId };
    let inserted = 0;
    let analyzedAt = 0;
    for (let i = 0; i < batches.length; i += CONCURRENT_BATCHES) {
      // Fresh statistics as the property grows (after 2k, 4k, 8k, … new rows) keep writes indexed.
      if (inserted >= Math.max(2 * analyzedAt, 2_000)) {
        await this.sync.refreshStatistics();
        analyzedAt = inserted;
      }
      const settled = await Promise.allSettled(
        batches.slice(i, i + CONCURRENT_BATCHES).map((batch) => this.sync.applyBatch(scope, batch)),
      );
      for (const s of settled) {
        if (s.status === 'fulfilled') {
          onResult(s.value);
          inserted += s.value.outcomes.filter((o) => o.change === 'created').length;
        }
      }
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }
}

function emptyReport(format: 'json' | 'csv', rows: number): PmsImportReportDto {
  return {
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
}

function addOutcomes(report: PmsImportReportDto, result: BatchResult): void {
  for (const o of result.outcomes) {
    report[o.change]++;
    if (o.stale) report.stale++;
    if (o.guest) report.guests[o.guest]++;
    if (o.reservation) report.reservations[o.reservation]++;
  }
}

/** Multipart limits and broken uploads surface as Fastify/busboy errors: answer them as problems. */
function uploadProblem(err: unknown): unknown {
  if (err instanceof AppException) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return new ImportFileException('The file is larger than the upload limit.', 413);
  return new ImportFileException(`The upload could not be read: ${(err as Error).message}`);
}
