export * from './controllers/knowledge.controller';
export * from './controllers/knowledge-retrieval.controller';
export * from './controllers/organization-knowledge.controller';
export * from './dtos/group-knowledge.dto';
export * from './dtos/knowledge.dto';
export * from './dtos/knowledge-import.dto';
export * from './dtos/knowledge-search.dto';
export * from './exceptions/knowledge.exceptions';
export * from './jobs/knowledge-embeddings.jobs';
export * from './knowledge.module';
export { ResponseCacheRepository } from './repositories/response-cache.repository';
export { EXACT_VECTOR_SQL, hnswVectorSql, TEXT_SQL } from './repositories/search.repository';
export { isEvidence } from './services/answer-composer';
export { BUILTIN_MODEL, BuiltinEmbedder } from './services/builtin-embedder';
export { type EmbeddingProvider } from './services/embedding-provider';
export { EmbeddingProviders } from './services/embedding-providers';
export { contentSha256, type KnowledgeActor, KnowledgeService } from './services/knowledge.service';
export { KnowledgeAskService } from './services/knowledge-ask.service';
export {
  type KnowledgeGapSummary,
  type KnowledgeHealthContributor,
  KnowledgeHealthContributors,
} from './services/knowledge-health-contributors';
export { KnowledgeSearchService } from './services/knowledge-search.service';
export { ResponseCacheHits } from './services/response-cache-hits';
