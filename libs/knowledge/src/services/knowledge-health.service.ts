import { hasPermission, Permission, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type HealthEntryDto, type KnowledgeHealthDto } from '../dtos/knowledge-search.dto';
import { ChunksRepository } from '../repositories/chunks.repository';
import { type HealthEntryRow, KnowledgeHealthRepository } from '../repositories/health.repository';
import { EmbeddingProviders, modelLabel } from './embedding-providers';
import { KnowledgeHealthContributors } from './knowledge-health-contributors';

const STALE_DAYS = 180;
const DUPLICATE_SIMILARITY = 0.9;
const TOP_GAPS = 20;

/** What needs a curator's attention in a property's knowledge. */
@Injectable()
export class KnowledgeHealthService {
  constructor(
    private readonly health: KnowledgeHealthRepository,
    private readonly chunks: ChunksRepository,
    private readonly providers: EmbeddingProviders,
    private readonly contributors: KnowledgeHealthContributors,
  ) {}

  async report(access: PropertyAccess): Promise<KnowledgeHealthDto> {
    const propertyId = access.propertyId;
    const current = this.providers.currentModel();
    const state = await this.chunks.state(propertyId);
    const searched = state?.model ? { model: state.model, dimensions: state.dimensions! } : null;
    const coverage = await this.health.coverage(propertyId, current);
    const duplicates = await this.health.nearDuplicates(
      propertyId,
      searched ?? current,
      DUPLICATE_SIMILARITY,
    );
    return {
      stale: (await this.health.stale(propertyId, STALE_DAYS)).map(entry),
      expired: (await this.health.expired(propertyId)).map(entry),
      nearDuplicates: duplicates.map((d) => ({
        entryId: d.entry_id,
        title: d.title,
        otherEntryId: d.other_entry_id,
        otherTitle: d.other_title,
        similarity: Math.round(Number(d.similarity) * 1000) / 1000,
      })),
      embeddings: {
        currentModel: modelLabel(current),
        searchModel: searched ? modelLabel(searched) : null,
        reindexing: !!state?.target_model,
        entries: coverage.entries,
        embeddedWithCurrentModel: coverage.embedded,
        share: coverage.entries === 0 ? 1 : Math.round((coverage.embedded / coverage.entries) * 1000) / 1000,
      },
      // Gaps quote guests: shown to those who can act on them by writing knowledge.
      gaps: hasPermission(access.roles, Permission.KnowledgeWrite)
        ? await this.contributors.openGaps(propertyId, TOP_GAPS)
        : null,
    };
  }
}

function entry(r: HealthEntryRow): HealthEntryDto {
  return {
    id: r.id,
    title: r.title,
    updatedAt: new Date(r.updated_at).toISOString(),
    validUntil: r.valid_until ? new Date(r.valid_until).toISOString() : null,
  };
}
