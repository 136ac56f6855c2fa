import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { BUILTIN_MODEL, BuiltinEmbedder } from './builtin-embedder';
import { type EmbeddingProvider } from './embedding-provider';
import { OpenAiEmbedder } from './openai-embedder';

/** A vector space: vectors are comparable only within one model at one dimension count. */
export interface EmbeddingModel {
  model: string;
  dimensions: number;
}

export const sameModel = (a: EmbeddingModel | null, b: EmbeddingModel | null) =>
  !!a && !!b && a.model === b.model && a.dimensions === b.dimensions;

export const modelLabel = (m: EmbeddingModel) => `${m.model}@${m.dimensions}`;

/**
 * The configured embedding provider, and providers for the models vectors were stored with
 * before a change of configuration: search embeds its query with the model of the vectors it
 * searches, so it keeps working from the old vectors while a reindex builds the new ones.
 */
@Injectable()
export class EmbeddingProviders {
  private readonly cache = new Map<string, EmbeddingProvider>();
  private readonly configured: EmbeddingProvider;

  constructor(private readonly config: AppConfig) {
    this.configured =
      config.EMBEDDING_PROVIDER === 'openai'
        ? this.openai({
            model: config.EMBEDDING_MODEL ?? 'text-embedding-3-small',
            dimensions: config.EMBEDDING_DIMENSIONS ?? 1536,
          })
        : new BuiltinEmbedder(config.EMBEDDING_DIMENSIONS ?? 384);
    this.cache.set(modelLabel(this.configured), this.configured);
  }

  /** The provider new vectors are made with. */
  current(): EmbeddingProvider {
    return this.configured;
  }

  currentModel(): EmbeddingModel {
    return { model: this.configured.model, dimensions: this.configured.dimensions };
  }

  /**
   * A provider for stored vectors of `m`, or null when it cannot be built any more (a remote
   * model without an API key): search then answers by full text until the reindex completes.
   */
  forModel(m: EmbeddingModel): EmbeddingProvider | null {
    const key = modelLabel(m);
    let provider = this.cache.get(key);
    if (!provider) {
      if (m.model === BUILTIN_MODEL) provider = new BuiltinEmbedder(m.dimensions);
      else if (this.config.OPENAI_API_KEY) provider = this.openai(m);
      else return null;
      this.cache.set(key, provider);
    }
    return provider;
  }

  private openai(m: EmbeddingModel): EmbeddingProvider {
    return new OpenAiEmbedder({
      baseUrl: this.config.OPENAI_BASE_URL,
      apiKey: this.config.OPENAI_API_KEY ?? '',
      model: m.model,
      dimensions: m.dimensions,
      // Only the text-embedding-3 models take a size; others (ada-002, most local models) refuse it.
      sendDimensions:
        m.model.startsWith('text-embedding-3') || this.config.EMBEDDING_DIMENSIONS !== undefined,
      timeoutMs: this.config.EMBEDDING_TIMEOUT_MS,
      maxRetries: 3,
      maxBatch: this.config.EMBEDDING_BATCH_SIZE,
    });
  }
}
