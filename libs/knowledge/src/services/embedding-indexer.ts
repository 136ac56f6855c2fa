import { TenantDb } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';

import { ChunksRepository } from '../repositories/chunks.repository';
import { EntriesRepository } from '../repositories/entries.repository';
import { chunkMarkdown } from './chunker';
import { type EmbeddingProvider } from './embedding-provider';
import { type EmbeddingModel, EmbeddingProviders, modelLabel, sameModel } from './embedding-providers';
import { isRetryableEmbeddingError } from './openai-embedder';

/** Chunks read per round: each round is one read transaction, provider calls, one write transaction. */
const ROUND = 512;

/**
 * Keeps chunks and vectors current. Writing an entry chunks it in the request's transaction (full
 * text finds it at once); the embeddings jobs then add vectors in rounds, each round reading
 * pending chunks in one short transaction, calling the provider outside any transaction, and
 * storing the vectors in another, so a slow provider never holds a database connection.
 */
@Injectable()
export class EmbeddingIndexer {
  private readonly logger = new Logger(EmbeddingIndexer.name);

  constructor(
    private readonly db: TenantDb,
    private readonly chunks: ChunksRepository,
    private readonly entries: EntriesRepository,
    private readonly providers: EmbeddingProviders,
  ) {}

  /** Splits an entry's content into chunks (inside the caller's property transaction). */
  async chunkEntry(
    propertyId: string,
    entry: { id: string; title: string; content: string; keywords: string[]; language: string },
  ): Promise<void> {
    const pieces = chunkMarkdown(entry.title, entry.content).map((c) => ({
      heading: c.heading,
      content: c.content,
      tokenEstimate: c.tokenEstimate,
    }));
    await this.chunks.replace(propertyId, entry.id, pieces, entry.keywords, entry.language);
  }

  /**
   * Vectors for one entry's chunks: with the configured model, and with the model search uses
   * while a reindex is under way, so a new entry is found by meaning before the reindex ends.
   */
  async embedEntry(propertyId: string, entryId: string): Promise<number> {
    const current = this.providers.currentModel();
    const state = await this.db.run({ propertyId }, () => this.chunks.ensureState(propertyId, current));
    const searched = state.model ? { model: state.model, dimensions: state.dimensions! } : current;
    let stored = await this.embedPending(propertyId, this.providers.current(), entryId);
    const old = sameModel(searched, current) ? null : this.providers.forModel(searched);
    if (old) stored += await this.embedPending(propertyId, old, entryId);
    return stored;
  }

  /**
   * Re-embeds a whole property with the configured model. Search answers from the previous
   * model's vectors until every chunk has a new one; then it switches and the old vectors go.
   */
  async reindex(propertyId: string, force = false): Promise<{ model: string; stored: number } | null> {
    const target = this.providers.currentModel();
    const state = await this.db.run({ propertyId }, async () => {
      await this.chunkUnchunked(propertyId);
      return this.chunks.state(propertyId);
    });
    if (!force && state && sameModel(target, { model: state.model!, dimensions: state.dimensions! })) {
      const pending = await this.db.run({ propertyId }, () => this.chunks.pending(propertyId, target, 1));
      if (pending.length === 0) return null;
    }
    await this.db.run({ propertyId }, () => this.chunks.startReindex(propertyId, target));
    let stored = 0;
    // Chunks written while a round ran get their vectors in the next one; the switch happens in
    // a transaction that finds none missing (the next reindex finishes a property that is never quiet).
    for (let round = 0; round < 5; round++) {
      stored += await this.embedPending(propertyId, this.providers.current());
      const switched = await this.db.run({ propertyId }, async () => {
        await this.chunks.lockProperty(propertyId);
        if ((await this.chunks.pending(propertyId, target, 1)).length > 0) return false;
        await this.chunks.markEmbedded(propertyId, target);
        await this.chunks.completeReindex(propertyId, target);
        await this.chunks.dropOtherModels(propertyId, target);
        return true;
      });
      if (switched) break;
    }
    this.logger.log(`property ${propertyId}: ${stored} chunks embedded with ${modelLabel(target)}`);
    return { model: modelLabel(target), stored };
  }

  /**
   * Entries written before chunking existed (or whose chunks were lost) get chunks. Two reindex
   * runs of a property take turns here, so the second finds the entries chunked.
   */
  private async chunkUnchunked(propertyId: string): Promise<void> {
    await this.chunks.lockProperty(propertyId);
    for (const entry of await this.entries.withoutChunks(propertyId))
      await this.chunkEntry(propertyId, entry);
  }

  private async embedPending(propertyId: string, provider: EmbeddingProvider, entryId?: string) {
    const m: EmbeddingModel = { model: provider.model, dimensions: provider.dimensions };
    let stored = 0;
    for (;;) {
      const pending = await this.db.run({ propertyId }, () =>
        this.chunks.pending(propertyId, m, ROUND, entryId),
      );
      if (pending.length === 0) break;
      const vectors = await this.embed(
        provider,
        pending.map((c) => c.content),
      );
      await this.db.run({ propertyId }, async () => {
        await this.chunks.store(
          propertyId,
          m,
          pending.map((c, i) => ({ chunkId: c.id, vector: vectors[i] })),
        );
        await this.chunks.markEmbedded(propertyId, m, [...new Set(pending.map((c) => c.entry_id))]);
      });
      stored += pending.length;
      if (pending.length < ROUND) break;
    }
    return stored;
  }

  /** Batches of the provider's size; a permanent provider error fails the job without retries. */
  private async embed(provider: EmbeddingProvider, texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += provider.maxBatch) {
      const batch = texts.slice(i, i + provider.maxBatch);
      try {
        out.push(...(await provider.embed(batch)));
      } catch (err) {
        if (isRetryableEmbeddingError(err)) throw err;
        throw new UnrecoverableError(`embedding with ${provider.model} failed: ${(err as Error).message}`);
      }
    }
    return out;
  }
}
