import { AppConfig, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type AskAnswerDto, type AskKnowledgeDto, type AskSourceDto } from '../dtos/knowledge-search.dto';
import {
  type Audience,
  questionKey,
  ResponseCacheRepository,
} from '../repositories/response-cache.repository';
import { SearchRepository } from '../repositories/search.repository';
import { AnswerComposer } from './answer-composer';
import { BUILTIN_MODEL } from './builtin-embedder';
import { EmbeddingProviders } from './embedding-providers';
import { KnowledgeSearchService } from './knowledge-search.service';
import { ResponseCacheHits } from './response-cache-hits';

const PASSAGES = 5;
/** A cached answer serves a differently worded question only this close in meaning. */
const SEMANTIC_CACHE_SIMILARITY = 0.95;
const NO_ANSWER = "I don't have that information yet. A member of our team will get back to you shortly.";

/**
 * "Ask the butler": the answer the concierge would give, with its sources. Answers are cached per
 * property and audience by the normalized question (and, with a real embedding model, by meaning
 * at ≥ 0.95 cosine similarity); a write of any entry an answer was built from forgets it.
 */
@Injectable()
export class KnowledgeAskService {
  constructor(
    private readonly searchService: KnowledgeSearchService,
    private readonly search: SearchRepository,
    private readonly cache: ResponseCacheRepository,
    private readonly hits: ResponseCacheHits,
    private readonly composer: AnswerComposer,
    private readonly providers: EmbeddingProviders,
    private readonly config: AppConfig,
  ) {}

  /**
   * `access`: a staff member's, or only the property's id (the concierge asks for its guests).
   * `extractive`: the answer is quoted from the passages, never written by a chat model (for
   * callers inside a transaction: the concierge pipeline), and only a cached extractive answer
   * is served; the semantic cache, which needs the question embedded, is not consulted.
   */
  async ask(
    access: Pick<PropertyAccess, 'propertyId'>,
    dto: AskKnowledgeDto,
    options: { extractive?: boolean } = {},
  ): Promise<AskAnswerDto> {
    const audience: Audience = dto.audience ?? 'guest';
    const key = questionKey(dto.question);
    const extractiveOnly = options.extractive === true;
    const semantic = extractiveOnly ? null : await this.questionVector(dto.question);
    const cached =
      (await this.cache.hit(access.propertyId, audience, key)) ??
      (semantic
        ? await this.cache.semanticHit(
            access.propertyId,
            audience,
            semantic.model,
            semantic.vector,
            SEMANTIC_CACHE_SIMILARITY,
          )
        : undefined);
    if (cached && (!extractiveOnly || cached.engine === 'builtin')) {
      this.hits.count(access.propertyId, cached.id, cached.version, cached.seen_at);
      const sources = cached.sources as AskSourceDto[];
      return {
        answer: cached.answer,
        answered: sources.length > 0,
        sources,
        engine: cached.engine,
        cached: true,
      };
    }
    return this.answer(access, dto.question, audience, key, semantic, extractiveOnly);
  }

  private async answer(
    access: Pick<PropertyAccess, 'propertyId'>,
    question: string,
    audience: Audience,
    key: string,
    semantic: Awaited<ReturnType<KnowledgeAskService['questionVector']>>,
    extractiveOnly: boolean,
  ): Promise<AskAnswerDto> {
    const found = await this.searchService.find(access, {
      query: question,
      limit: PASSAGES,
      visibility: audience === 'guest' ? 'guest' : undefined,
    });
    const composed = await this.composer.compose(
      question,
      found.items.map((h) => ({
        title: h.title,
        content: h.content,
        similarity: h.similarity,
        textRank: h.textRank,
      })),
      extractiveOnly,
    );
    const sources: AskSourceDto[] = composed
      ? composed.used.map((i) => {
          const h = found.items[i];
          return {
            entryId: h.entryId,
            chunkId: h.chunkId,
            title: h.title,
            score: h.score,
            similarity: h.similarity,
            signals: h.signals,
          };
        })
      : [];
    const result: AskAnswerDto = {
      answer: composed?.answer ?? NO_ANSWER,
      answered: composed !== null,
      sources,
      engine: composed?.engine ?? 'builtin',
      cached: false,
    };
    const entryIds = [...new Set(sources.map((s) => s.entryId))];
    await this.search.countUsage(access.propertyId, entryIds);
    if (this.config.KNOWLEDGE_CACHE_TTL_SECONDS > 0)
      await this.cache.store(access.propertyId, {
        audience,
        questionKey: key,
        question,
        answer: result.answer,
        sources,
        sourceEntryIds: entryIds,
        engine: result.engine,
        embedding: semantic,
        ttlSeconds: this.config.KNOWLEDGE_CACHE_TTL_SECONDS,
      });
    return result;
  }

  /**
   * The question's vector for the semantic cache: only from a real embedding model. Hashed
   * features find questions that share words, not ones that mean the same, and a cached answer to
   * a question that merely looks alike would be wrong.
   */
  private async questionVector(question: string) {
    const provider = this.providers.current();
    if (provider.model === BUILTIN_MODEL) return null;
    try {
      const [vector] = await provider.embed([question]);
      return { model: { model: provider.model, dimensions: provider.dimensions }, vector };
    } catch {
      return null; // no semantic lookup during an embedding outage; search says why
    }
  }
}
