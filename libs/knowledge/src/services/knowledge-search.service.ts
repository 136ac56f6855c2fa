import { AppConfig, type PropertyAccess } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import { type KnowledgeHitDto, type KnowledgeSearchResultDto } from '../dtos/knowledge-search.dto';
import { ChunksRepository } from '../repositories/chunks.repository';
import { type Candidate, SearchRepository, type SearchScope } from '../repositories/search.repository';
import { type EmbeddingModel, EmbeddingProviders, modelLabel } from './embedding-providers';

/** Reciprocal rank fusion's k: ranks matter, raw scores of the two signals are not comparable. */
const RRF_K = 60;
/**
 * Vector neighbours below this cosine similarity are noise, not matches (unrelated texts of the
 * builtin model scatter around 0 with a spread of about 0.05 at 384 dimensions; a misspelt
 * word shared with a chunk scores 0.13–0.2).
 */
const MIN_SIMILARITY = 0.1;
/** How long a property's chunk count (which picks the vector plan) is reused. */
const COUNT_TTL_MS = 60_000;

export type SearchHit = KnowledgeHitDto & { content: string };

export interface SearchRequest extends SearchScope {
  query: string;
  limit: number;
}

/**
 * Hybrid retrieval: nearest vectors (cosine) and full-text rank, each taking a pool of candidates,
 * fused by reciprocal rank. Only active entries inside their validity window take part. The
 * query is embedded with the model of the vectors being searched, which during a reindex is the
 * previous one; if that model cannot be reached, full text answers alone.
 */
@Injectable()
export class KnowledgeSearchService {
  private readonly logger = new Logger(KnowledgeSearchService.name);
  private readonly counts = new Map<string, { n: number; at: number }>();

  constructor(
    private readonly search: SearchRepository,
    private readonly chunks: ChunksRepository,
    private readonly providers: EmbeddingProviders,
    private readonly config: AppConfig,
  ) {}

  async query(access: PropertyAccess, req: SearchRequest): Promise<KnowledgeSearchResultDto> {
    const found = await this.find(access, req);
    return { ...found, items: found.items.map(({ content: _content, ...hit }) => hit) };
  }

  /** The ranked hits with each chunk's whole content (what an answer is composed from). */
  async find(
    access: Pick<PropertyAccess, 'propertyId'>,
    req: SearchRequest,
  ): Promise<Omit<KnowledgeSearchResultDto, 'items'> & { items: SearchHit[] }> {
    const propertyId = access.propertyId;
    const pool = Math.max(req.limit * 4, 40);
    const vector = await this.vectorLeg(propertyId, req, pool);
    const text = await this.search.matching(propertyId, req.query, pool, req);
    const fused = fuse(vector?.hits ?? [], text).slice(0, req.limit);
    const hits = new Map(
      (
        await this.search.hits(
          propertyId,
          fused.map((f) => f.chunkId),
          req.query,
        )
      ).map((h) => [h.chunk_id, h]),
    );
    const items: SearchHit[] = fused.flatMap((f) => {
      const h = hits.get(f.chunkId);
      if (!h) return [];
      return [
        {
          entryId: h.entry_id,
          chunkId: h.chunk_id,
          title: h.title,
          category: h.category,
          visibility: h.visibility,
          heading: h.heading,
          snippet: h.snippet,
          content: h.content,
          score: round(f.score),
          signals: [...(f.similarity !== null ? ['vector'] : []), ...(f.textRank !== null ? ['text'] : [])],
          similarity: f.similarity === null ? null : round(f.similarity),
          textRank: f.textRank === null ? null : round(f.textRank),
        },
      ];
    });
    return {
      items,
      vectorModel: vector ? modelLabel(vector.model) : null,
      vectorPlan: vector?.plan ?? null,
    };
  }

  private async vectorLeg(propertyId: string, req: SearchRequest, pool: number) {
    const state = await this.chunks.state(propertyId);
    const model: EmbeddingModel = state?.model
      ? { model: state.model, dimensions: state.dimensions! }
      : this.providers.currentModel();
    const provider = this.providers.forModel(model);
    if (!provider) return null;
    let vector: number[];
    try {
      [vector] = await provider.embed([req.query]);
    } catch (err) {
      // Full text still answers: an embedding outage must not take search down with it.
      this.logger.warn(`query not embedded with ${modelLabel(model)}: ${(err as Error).message}`);
      return null;
    }
    if (!vector.some((x) => x !== 0)) return null;
    const plan =
      (await this.chunkCount(propertyId)) > this.config.KNOWLEDGE_EXACT_SCAN_MAX_CHUNKS ? 'hnsw' : 'exact';
    const found = await this.search.nearest(propertyId, model, vector, pool, req, plan === 'hnsw');
    return { model, plan, hits: found.filter((c) => c.score >= MIN_SIMILARITY) } as const;
  }

  private async chunkCount(propertyId: string): Promise<number> {
    const cached = this.counts.get(propertyId);
    if (cached && Date.now() - cached.at < COUNT_TTL_MS) return cached.n;
    const n = await this.chunks.count(propertyId);
    this.counts.set(propertyId, { n, at: Date.now() });
    return n;
  }
}

interface Fused {
  chunkId: string;
  score: number;
  similarity: number | null;
  textRank: number | null;
}

/** Reciprocal rank fusion: each list adds 1 / (k + rank) for the chunks it holds. */
export function fuse(vector: Candidate[], text: Candidate[]): Fused[] {
  const byId = new Map<string, Fused>();
  const at = (id: string) => {
    let f = byId.get(id);
    if (!f) byId.set(id, (f = { chunkId: id, score: 0, similarity: null, textRank: null }));
    return f;
  };
  vector.forEach((c, i) => {
    const f = at(c.chunk_id);
    f.score += 1 / (RRF_K + i + 1);
    f.similarity = Number(c.score);
  });
  text.forEach((c, i) => {
    const f = at(c.chunk_id);
    f.score += 1 / (RRF_K + i + 1);
    f.textRank = Number(c.score);
  });
  // Ties (each first in one list) go to the chunk both signals found, then to matched words.
  const signals = (f: Fused) => Number(f.similarity !== null) + Number(f.textRank !== null);
  return [...byId.values()].sort(
    (a, b) =>
      b.score - a.score ||
      signals(b) - signals(a) ||
      Number(b.textRank !== null) - Number(a.textRank !== null) ||
      (b.similarity ?? 0) - (a.similarity ?? 0) ||
      (a.chunkId < b.chunkId ? -1 : 1),
  );
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
