import OpenAI, { APIConnectionError, APIError, InternalServerError, RateLimitError } from 'openai';

import { type EmbeddingProvider } from './embedding-provider';

/** OpenAI's limit on inputs per embeddings request. */
const MAX_INPUTS_PER_REQUEST = 2048;
/**
 * OpenAI also caps a request at 300,000 tokens summed over its inputs: 256 chunks of the chunker's
 * ~860 tokens stay well under it, where 2048 of them would be refused.
 */
const DEFAULT_MAX_BATCH = 256;

export interface OpenAiEmbedderOptions {
  /** API root with its version: https://api.openai.com/v1, or an Azure, vLLM or Ollama /v1 URL. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; keyless servers (Ollama, vLLM) take any placeholder. */
  apiKey: string;
  /** Default text-embedding-3-small. */
  model?: string;
  /** Length of every vector, stored with it; an answer of any other length is refused. */
  dimensions: number;
  /**
   * Whether to ask the API for `dimensions` (default true): text-embedding-3-* shorten their vectors
   * to it, while text-embedding-ada-002 and models without Matryoshka training refuse the field.
   */
  sendDimensions?: boolean;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Retries of 408, 429, 5xx and network errors by the SDK, with backoff and Retry-After (default 2). */
  maxRetries?: number;
  /** Inputs per request, at most 2048 (default 256). */
  maxBatch?: number;
}

/**
 * An EmbeddingProvider over any OpenAI-compatible `POST /embeddings` endpoint. Retries are the
 * SDK's (429, 5xx and network errors, honouring Retry-After); what still fails is thrown as the
 * SDK's error, for the caller to classify with isRetryableEmbeddingError.
 */
export class OpenAiEmbedder implements EmbeddingProvider {
  readonly name = 'openai';
  readonly model: string;
  readonly dimensions: number;
  readonly maxBatch: number;
  private readonly sendDimensions: boolean;
  private readonly client: OpenAI;

  constructor(options: OpenAiEmbedderOptions) {
    this.model = options.model ?? 'text-embedding-3-small';
    this.dimensions = integerAtLeast('dimensions', options.dimensions, 1);
    this.maxBatch = integerAtLeast('maxBatch', options.maxBatch ?? DEFAULT_MAX_BATCH, 1);
    if (this.maxBatch > MAX_INPUTS_PER_REQUEST)
      throw new RangeError(`maxBatch must be at most ${MAX_INPUTS_PER_REQUEST}, got ${this.maxBatch}`);
    this.sendDimensions = options.sendDimensions ?? true;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey,
      timeout: integerAtLeast('timeoutMs', options.timeoutMs ?? 30_000, 1),
      maxRetries: integerAtLeast('maxRetries', options.maxRetries ?? 2, 0),
      // Explicit nulls, or the SDK would pick these up from OPENAI_* environment variables.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
    });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.maxBatch)
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.maxBatch))));
    return vectors;
  }

  private async embedBatch(input: string[]): Promise<number[][]> {
    const response = await this.client.embeddings.create({
      model: this.model,
      input,
      ...(this.sendDimensions ? { dimensions: this.dimensions } : {}),
      // Plain JSON numbers: the SDK's default, base64, is not understood by every compatible server.
      encoding_format: 'float',
    });
    const data = response.data ?? [];
    const vectors = new Array<number[] | undefined>(input.length);
    for (const { index, embedding } of data) {
      const length = Array.isArray(embedding) ? embedding.length : 0;
      if (length !== this.dimensions)
        throw new EmbeddingDimensionMismatchError(this.model, this.dimensions, length);
      if (Number.isInteger(index) && index >= 0 && index < input.length) vectors[index] = embedding;
    }
    // One item per input, at its input's index: a short, padded or misindexed answer is unusable.
    if (data.length !== input.length || vectors.filter(Boolean).length !== input.length)
      throw new EmbeddingDimensionMismatchError(this.model, input.length, data.length, 'vectors');
    return vectors as number[][];
  }
}

/**
 * The endpoint answered vectors that do not fit: another length than the configured dimensions,
 * or not exactly one per input. Permanent: retrying gives the same answer, the configuration
 * (model or dimensions) has to change.
 */
export class EmbeddingDimensionMismatchError extends Error {
  readonly retryable = false;

  constructor(
    readonly model: string,
    readonly expected: number,
    readonly received: number,
    readonly unit: 'dimensions' | 'vectors' = 'dimensions',
  ) {
    super(
      unit === 'dimensions'
        ? `Embedding model "${model}" returned a vector of ${received} dimensions, but ${expected} are configured.`
        : `Embedding model "${model}" returned ${received} vectors for ${expected} inputs, or not one per input index.`,
    );
    this.name = 'EmbeddingDimensionMismatchError';
  }
}

/**
 * Whether an embedding failure may succeed later, once the SDK's own retries are spent: network
 * errors and timeouts (including 408), rate limits (429) and server errors (5xx). Other 4xx
 * (bad key, bad request) and EmbeddingDimensionMismatchError are permanent.
 */
export function isRetryableEmbeddingError(err: unknown): boolean {
  return (
    err instanceof APIConnectionError ||
    err instanceof RateLimitError ||
    err instanceof InternalServerError ||
    (err instanceof APIError && err.status === 408)
  );
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer of at least ${min}, got ${value}`);
  return value;
}
