import { createHash } from 'node:crypto';

import { decodeTimeIdCursor, JobName, keysetPage, OutboxService, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type CreateKnowledgeDto,
  type KnowledgeDto,
  type KnowledgePageDto,
  type KnowledgeVersionDto,
  type ListKnowledgeQueryDto,
  MAX_CONTENT_BYTES,
  type RestoreKnowledgeDto,
  type UpdateKnowledgeDto,
} from '../dtos/knowledge.dto';
import {
  ContentTooLargeException,
  GroupEntryManagedException,
  InvalidValidityException,
  KnowledgeEntryNotFoundException,
  KnowledgeVersionConflictException,
  KnowledgeVersionNotFoundException,
} from '../exceptions/knowledge.exceptions';
import {
  EntriesRepository,
  type EntryRow,
  type EntryVersionRow,
  type EntryWrite,
} from '../repositories/entries.repository';
import { ResponseCacheRepository } from '../repositories/response-cache.repository';
import { EmbeddingIndexer } from './embedding-indexer';

/** Who writes: a staff member, or nobody for the organization's copies made by the system. */
export interface KnowledgeActor {
  propertyId: string;
  userId: string | null;
}

/** The hex SHA-256 of an entry's content: how imports and integrity checks recognise it. */
export const contentSha256 = (content: string) => createHash('sha256').update(content, 'utf8').digest('hex');

/**
 * A property's knowledge entries. Every write is a new version (the version row keeps the whole
 * entry, who changed it and why) and a `knowledge.entry.*` event, both in the request's
 * transaction; later work (chunks, embeddings, caches) follows the events.
 */
@Injectable()
export class KnowledgeService {
  constructor(
    private readonly entries: EntriesRepository,
    private readonly outbox: OutboxService,
    private readonly indexer: EmbeddingIndexer,
    private readonly cache: ResponseCacheRepository,
  ) {}

  async create(
    access: KnowledgeActor,
    dto: CreateKnowledgeDto,
    options: { reason?: string; groupEntryId?: string } = {},
  ): Promise<KnowledgeDto> {
    const reason = options.reason ?? 'created';
    const write = checked({
      ...dto,
      contentSha256: contentSha256(dto.content),
      groupEntryId: options.groupEntryId,
    });
    const id = await this.entries.insert(access.propertyId, write, access.userId);
    await this.entries.recordVersion(access.propertyId, id, reason, access.userId);
    // A new entry has no vectors yet: the row read here stays true after its chunks are written.
    const row = (await this.entries.findById(access.propertyId, id))!;
    await this.reindexed(access.propertyId, row, true);
    await this.outbox.publishEvent('knowledge.entry.created', { entryId: id });
    return entryDto(row);
  }

  async get(access: PropertyAccess, id: string): Promise<KnowledgeDto> {
    return entryDto(await this.require(access.propertyId, id));
  }

  async list(access: PropertyAccess, q: ListKnowledgeQueryDto): Promise<KnowledgePageDto> {
    const limit = q.limit ?? 25;
    const rows = await this.entries.list(access.propertyId, {
      ...q,
      after: q.cursor ? decodeTimeIdCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, entryDto, (r) => [r.sort_key, r.id]);
  }

  async update(access: PropertyAccess, id: string, dto: UpdateKnowledgeDto): Promise<KnowledgeDto> {
    const { version, reason, ...fields } = dto;
    const current = await this.require(access.propertyId, id, true);
    if (current.group_entry_id) throw new GroupEntryManagedException();
    if (current.version !== version) throw new KnowledgeVersionConflictException(current.version);
    const write = checked(
      { ...fields, contentSha256: fields.content === undefined ? undefined : contentSha256(fields.content) },
      current,
    );
    return this.apply(access, id, write, reason ?? null);
  }

  async remove(access: PropertyAccess, id: string): Promise<void> {
    const current = await this.require(access.propertyId, id, true);
    if (current.group_entry_id) throw new GroupEntryManagedException();
    await this.removeCopy(access, id);
  }

  /** Deletes an entry without the property's checks (also the group publisher's way to drop a copy). */
  async removeCopy(access: KnowledgeActor, id: string): Promise<void> {
    await this.entries.remove(access.propertyId, id);
    await this.cache.invalidate(access.propertyId, id);
    await this.outbox.publishEvent('knowledge.entry.deleted', { entryId: id });
  }

  async versions(access: PropertyAccess, id: string): Promise<KnowledgeVersionDto[]> {
    await this.require(access.propertyId, id);
    return (await this.entries.versions(access.propertyId, id)).map(versionDto);
  }

  /** Makes an earlier version current again, as a new version (history is never rewritten). */
  async restore(
    access: PropertyAccess,
    id: string,
    n: number,
    dto: RestoreKnowledgeDto,
  ): Promise<KnowledgeDto> {
    const current = await this.require(access.propertyId, id, true);
    if (current.group_entry_id) throw new GroupEntryManagedException();
    if (current.version !== dto.version) throw new KnowledgeVersionConflictException(current.version);
    const old = await this.entries.version(access.propertyId, id, n);
    if (!old) throw new KnowledgeVersionNotFoundException();
    const f = old.fields as Record<string, never>;
    const write: EntryWrite = {
      title: old.title,
      content: old.content,
      contentSha256: old.content_sha256,
      category: f.category,
      keywords: f.keywords,
      language: f.language,
      priority: f.priority,
      status: f.status,
      visibility: f.visibility,
      validFrom: f.validFrom,
      validUntil: f.validUntil,
      sourceUrl: f.sourceUrl,
    };
    return this.apply(access, id, write, dto.reason ?? `restored version ${n}`);
  }

  /**
   * Writes a new version of an entry the caller holds locked (also the import's and the group
   * publisher's way in, which check their own preconditions).
   */
  async apply(
    access: KnowledgeActor,
    id: string,
    write: EntryWrite,
    reason: string | null,
  ): Promise<KnowledgeDto> {
    const before = (await this.entries.findById(access.propertyId, id))!;
    await this.entries.update(access.propertyId, id, write, access.userId);
    await this.entries.recordVersion(access.propertyId, id, reason, access.userId);
    const after = (await this.entries.findById(access.propertyId, id))!;
    await this.reindexed(
      access.propertyId,
      after,
      SEARCHED_TEXT.some((k) => !sameValue(before[k], after[k])),
    );
    await this.outbox.publishEvent('knowledge.entry.updated', { entryId: id });
    return entryDto((await this.entries.findById(access.propertyId, id))!);
  }

  /**
   * After a write: new chunks when the searched text changed (their vectors follow in the
   * embeddings job, enqueued with the write), and no cached answer built from the old entry.
   */
  private async reindexed(propertyId: string, row: EntryRow, textChanged: boolean): Promise<void> {
    if (textChanged) {
      await this.indexer.chunkEntry(propertyId, row);
      await this.outbox.enqueue(JobName.KnowledgeEmbed, { entryId: row.id });
    }
    await this.cache.invalidate(propertyId, row.id);
  }

  private async require(propertyId: string, id: string, forUpdate = false): Promise<EntryRow> {
    const row = await this.entries.findById(propertyId, id, forUpdate);
    if (!row) throw new KnowledgeEntryNotFoundException();
    return row;
  }
}

/** The fields chunks are made from: a change of any of them means new chunks and vectors. */
const SEARCHED_TEXT = ['title', 'content', 'keywords', 'language'] as const;
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Content within 100 KB and a validity window that ends after it starts (with the stored side). */
export function checked(write: EntryWrite, current?: EntryRow): EntryWrite {
  if (write.content !== undefined) {
    const bytes = Buffer.byteLength(write.content, 'utf8');
    if (bytes > MAX_CONTENT_BYTES) throw new ContentTooLargeException(bytes, MAX_CONTENT_BYTES);
  }
  const from = write.validFrom !== undefined ? write.validFrom : current?.valid_from;
  const until = write.validUntil !== undefined ? write.validUntil : current?.valid_until;
  if (from && until && new Date(until).getTime() <= new Date(from).getTime())
    throw new InvalidValidityException();
  return write;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function entryDto(r: EntryRow): KnowledgeDto {
  return {
    id: r.id,
    category: r.category,
    title: r.title,
    content: r.content,
    keywords: r.keywords,
    language: r.language,
    priority: r.priority,
    status: r.status,
    visibility: r.visibility,
    validFrom: iso(r.valid_from),
    validUntil: iso(r.valid_until),
    sourceUrl: r.source_url,
    contentSha256: r.content_sha256,
    version: r.version,
    usageCount: r.usage_count,
    successCount: r.success_count,
    groupEntryId: r.group_entry_id,
    embeddedModel: r.embedded_model ? `${r.embedded_model}@${r.embedded_dimensions}` : null,
    embeddedAt: iso(r.embedded_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function versionDto(v: EntryVersionRow): KnowledgeVersionDto {
  return {
    version: v.version,
    title: v.title,
    content: v.content,
    contentSha256: v.content_sha256,
    fields: v.fields,
    reason: v.reason,
    changedBy: v.changed_by,
    changedAt: iso(v.changed_at)!,
  };
}
