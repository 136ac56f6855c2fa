import { type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type CreateKnowledgeDto } from '../dtos/knowledge.dto';
import {
  type ImportKnowledgeDto,
  type ImportReportDto,
  type ImportRowReportDto,
} from '../dtos/knowledge-import.dto';
import { EntriesRepository } from '../repositories/entries.repository';
import { contentSha256, KnowledgeService } from './knowledge.service';
import { parseKnowledgeImport } from './knowledge-import.parser';

/**
 * Bulk import of a property's knowledge from a JSON array, a CSV file or a Markdown document.
 * Idempotent by content hash: a row whose content the property already holds under the same
 * title changes nothing, a row whose title matches one of the property's own entries updates it
 * (a new version), any other row creates an entry. Each row is reported; bad rows do not stop
 * the good ones, and every write is a version and an embeddings job like a single write.
 */
@Injectable()
export class KnowledgeImportService {
  constructor(
    private readonly entries: EntriesRepository,
    private readonly knowledge: KnowledgeService,
  ) {}

  async import(access: PropertyAccess, dto: ImportKnowledgeDto): Promise<ImportReportDto> {
    const rows = parseKnowledgeImport({
      format: dto.format,
      body: dto.format === 'json' ? dto.entries : dto.content,
      defaults: dto.defaults,
    });
    const report: ImportReportDto = { created: 0, updated: 0, unchanged: 0, failed: 0, rows: [] };
    for (const row of rows) {
      const outcome: ImportRowReportDto = row.entry
        ? await this.write(access, row.row, row.entry)
        : { row: row.row, outcome: 'failed', entryId: null, title: null, errors: row.errors };
      report[outcome.outcome as 'created' | 'updated' | 'unchanged' | 'failed']++;
      report.rows.push(outcome);
    }
    return report;
  }

  private async write(
    access: PropertyAccess,
    row: number,
    entry: CreateKnowledgeDto,
  ): Promise<ImportRowReportDto> {
    const hash = contentSha256(entry.content);
    const title = entry.title.trim().toLowerCase();
    const same = (await this.entries.findByHash(access.propertyId, hash)).find(
      (e) => e.title.trim().toLowerCase() === title,
    );
    if (same) return { row, outcome: 'unchanged', entryId: same.id, title: same.title };
    const [existing] = await this.entries.findByTitle(access.propertyId, entry.title.trim());
    if (existing) {
      const dto = await this.knowledge.apply(
        access,
        existing.id,
        { ...entry, contentSha256: hash },
        'import',
      );
      return { row, outcome: 'updated', entryId: dto.id, title: dto.title };
    }
    const dto = await this.knowledge.create(access, entry, { reason: 'import' });
    return { row, outcome: 'created', entryId: dto.id, title: dto.title };
  }
}
