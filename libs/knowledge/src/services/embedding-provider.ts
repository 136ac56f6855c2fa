/**
 * Turns texts into vectors for semantic search of knowledge chunks. Vectors are only comparable
 * within one provider, model and dimension count, so all three are stored with every vector and a
 * change of any of them means re-embedding the chunks.
 */
export interface EmbeddingProvider {
  readonly name: string;
  /** model name stored with each vector */
  readonly model: string;
  readonly dimensions: number;
  /** at most maxBatch inputs per call */
  readonly maxBatch: number;
  /** One vector of `dimensions` numbers per text, in input order. */
  embed(texts: string[]): Promise<number[][]>;
}

/**
 * Injection token for the configured EmbeddingProvider. A token rather than the class, so the
 * offline built-in embedder and a remote model can be swapped by configuration alone.
 */
export const EMBEDDING_PROVIDER = Symbol('butler:embedding-provider');
