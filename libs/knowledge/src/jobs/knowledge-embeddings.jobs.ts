import {
  HandlesJob,
  type JobHandler,
  JobName,
  PropertiesRepository,
  type PropertyJobPayload,
  QueueProducer,
  TenantDb,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ChunksRepository } from '../repositories/chunks.repository';
import { ResponseCacheRepository } from '../repositories/response-cache.repository';
import { EmbeddingIndexer } from '../services/embedding-indexer';
import { EmbeddingProviders, sameModel } from '../services/embedding-providers';

export interface EmbedEntryPayload extends PropertyJobPayload {
  entryId: string;
}

export interface ReindexPayload extends PropertyJobPayload {
  /** Re-embed even when the property's vectors are already the configured model's. */
  force?: boolean;
}

/** Vectors for a written entry's chunks (enqueued with the write, through the outbox). */
@Injectable()
@HandlesJob(JobName.KnowledgeEmbed, 'property-steps')
export class EmbedEntryJob implements JobHandler<EmbedEntryPayload> {
  constructor(private readonly indexer: EmbeddingIndexer) {}

  handle({ propertyId, entryId }: EmbedEntryPayload): Promise<number> {
    return this.indexer.embedEntry(propertyId, entryId);
  }
}

@Injectable()
@HandlesJob(JobName.KnowledgeReindex, 'property-steps')
export class ReindexJob implements JobHandler<ReindexPayload> {
  constructor(private readonly indexer: EmbeddingIndexer) {}

  handle({ propertyId, force }: ReindexPayload) {
    return this.indexer.reindex(propertyId, force === true);
  }
}

/**
 * Fans reindexing out to the properties whose searched vectors are not the configured model's
 * (all of them with `force`): at every worker start, daily, and from `npm run knowledge:reindex`.
 */
@Injectable()
@HandlesJob(JobName.KnowledgeReindexAll, 'platform')
export class ReindexAllJob implements JobHandler<{ force?: boolean }> {
  constructor(
    private readonly properties: PropertiesRepository,
    private readonly producer: QueueProducer,
    private readonly db: TenantDb,
    private readonly chunks: ChunksRepository,
    private readonly providers: EmbeddingProviders,
  ) {}

  async handle(payload: { force?: boolean } | null): Promise<number> {
    const force = payload?.force === true;
    const current = this.providers.currentModel();
    // One reindex per property and ten minutes, however many fan-outs run in them.
    const slot = Math.floor(Date.now() / 600_000);
    let enqueued = 0;
    for (const propertyId of await this.properties.listIds()) {
      const state = await this.db.run({ propertyId }, () => this.chunks.state(propertyId));
      const searched = state?.model ? { model: state.model, dimensions: state.dimensions! } : null;
      if (!force && searched && sameModel(searched, current)) continue;
      await this.producer.add(
        JobName.KnowledgeReindex,
        { propertyId, force } satisfies ReindexPayload,
        `knowledge-reindex:${propertyId}:${slot}${force ? ':force' : ''}`,
      );
      enqueued++;
    }
    return enqueued;
  }
}

/** Daily: expired response-cache answers are deleted. */
@Injectable()
@HandlesJob(JobName.KnowledgePrune, 'property')
export class KnowledgePruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly cache: ResponseCacheRepository) {}

  handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return this.cache.pruneExpired(propertyId);
  }
}
