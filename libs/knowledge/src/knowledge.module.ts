import { DomainEventBus } from '@app/platform';
import { Module, type OnModuleInit } from '@nestjs/common';

import { KnowledgeController } from './controllers/knowledge.controller';
import { KnowledgeRetrievalController } from './controllers/knowledge-retrieval.controller';
import { OrganizationKnowledgeController } from './controllers/organization-knowledge.controller';
import {
  EmbedEntryJob,
  KnowledgePruneJob,
  ReindexAllJob,
  ReindexJob,
} from './jobs/knowledge-embeddings.jobs';
import { ChunksRepository } from './repositories/chunks.repository';
import { EntriesRepository } from './repositories/entries.repository';
import { GroupEntriesRepository } from './repositories/group-entries.repository';
import { KnowledgeHealthRepository } from './repositories/health.repository';
import { ResponseCacheRepository } from './repositories/response-cache.repository';
import { SearchRepository } from './repositories/search.repository';
import { AnswerComposer } from './services/answer-composer';
import { EmbeddingIndexer } from './services/embedding-indexer';
import { EmbeddingProviders } from './services/embedding-providers';
import { GroupKnowledgeService } from './services/group-knowledge.service';
import { KnowledgeService } from './services/knowledge.service';
import { KnowledgeAskService } from './services/knowledge-ask.service';
import { KnowledgeHealthService } from './services/knowledge-health.service';
import { KnowledgeHealthContributors } from './services/knowledge-health-contributors';
import { KnowledgeImportService } from './services/knowledge-import.service';
import { KnowledgeReindexer } from './services/knowledge-reindexer';
import { KnowledgeSearchService } from './services/knowledge-search.service';
import { ResponseCacheHits } from './services/response-cache-hits';

/**
 * The `knowledge` bounded context: the hotel's versioned knowledge, its chunks and vectors, hybrid
 * search, "ask the butler", the response cache, organization-wide entries and the health report.
 */
@Module({
  controllers: [KnowledgeController, KnowledgeRetrievalController, OrganizationKnowledgeController],
  providers: [
    EntriesRepository,
    ChunksRepository,
    SearchRepository,
    ResponseCacheRepository,
    ResponseCacheHits,
    KnowledgeHealthRepository,
    GroupEntriesRepository,
    EmbeddingProviders,
    EmbeddingIndexer,
    KnowledgeService,
    KnowledgeSearchService,
    AnswerComposer,
    KnowledgeAskService,
    KnowledgeImportService,
    KnowledgeHealthService,
    KnowledgeHealthContributors,
    KnowledgeReindexer,
    GroupKnowledgeService,
    EmbedEntryJob,
    ReindexJob,
    ReindexAllJob,
    KnowledgePruneJob,
  ],
  exports: [KnowledgeSearchService, KnowledgeAskService, KnowledgeService, KnowledgeHealthContributors],
})
export class KnowledgeModule implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly groups: GroupKnowledgeService,
  ) {}

  /** A property added to an organization receives the organization's group entries. */
  onModuleInit(): void {
    this.bus.subscribe('property.created', async (event) => {
      const { propertyId, organizationId } = event.data as { propertyId?: string; organizationId?: string };
      if (propertyId && organizationId) await this.groups.copyToNewProperty(propertyId, organizationId);
    });
  }
}
