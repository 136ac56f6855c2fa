import { JobName, OutboxService, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ReindexResultDto } from '../dtos/knowledge-search.dto';
import { EmbeddingProviders, modelLabel } from './embedding-providers';

/** Staff's reindex request: one forced reindex job, committed with the request (outbox). */
@Injectable()
export class KnowledgeReindexer {
  constructor(
    private readonly outbox: OutboxService,
    private readonly providers: EmbeddingProviders,
  ) {}

  async request(_access: PropertyAccess): Promise<ReindexResultDto> {
    const jobId = await this.outbox.enqueue(JobName.KnowledgeReindex, { force: true });
    return { model: modelLabel(this.providers.currentModel()), jobId };
  }
}
