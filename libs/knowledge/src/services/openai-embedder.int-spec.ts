import { fakeEmbedding, type FakeOpenAi, startFakeOpenAi } from '@app/testing';
import OpenAI, {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';

import {
  EmbeddingDimensionMismatchError,
  isRetryableEmbeddingError,
  OpenAiEmbedder,
  type OpenAiEmbedderOptions,
} from './openai-embedder';

const DIMENSIONS = 256;

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** The rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe(OpenAiEmbedder.name, () => {
  let fake: FakeOpenAi;
  const embedder = (options: Partial<OpenAiEmbedderOptions> = {}) =>
    new OpenAiEmbedder({
      baseUrl: fake.baseUrl,
      apiKey: fake.apiKey,
      dimensions: DIMENSIONS,
      maxRetries: 0,
      timeoutMs: 5_000,
      ...options,
    });

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('constructor', () => {
    it('refuses a maxBatch above 2048 and dimensions below 1', () => {
      expect(() => embedder({ maxBatch: 2049 })).toThrow(/maxBatch must be at most 2048/);
      expect(() => embedder({ dimensions: 0 })).toThrow(/dimensions must be an integer of at least 1/);
      expect(() => embedder({ maxRetries: -1 })).toThrow(/maxRetries/);
    });
  });

  describe('embed', () => {
    it('returns no vectors and sends nothing when given no texts', async () => {
      await expect(embedder().embed([])).resolves.toEqual([]);
      expect(fake.requests).toHaveLength(0);
    });

    it('sends batches of at most maxBatch texts and returns one vector per text in input order', async () => {
      const texts = ['pool hours', 'breakfast', 'parking', 'spa', 'late checkout', 'wifi', 'pool hours'];

      const vectors = await embedder({ maxBatch: 3 }).embed(texts);

      expect(fake.requests.map((r) => r.body?.input)).toEqual([
        texts.slice(0, 3),
        texts.slice(3, 6),
        texts.slice(6),
      ]);
      for (const request of fake.requests) {
        expect(request).toMatchObject({ method: 'POST', path: '/v1/embeddings', status: 200 });
        expect(request.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
        expect(request.body).toMatchObject({
          model: 'text-embedding-3-small',
          dimensions: DIMENSIONS,
          encoding_format: 'float',
        });
      }
      expect(vectors).toEqual(texts.map((text) => fakeEmbedding(text, DIMENSIONS)));
      expect(vectors.every((v) => v.length === DIMENSIONS)).toBe(true);
      expect(cosine(vectors[0], vectors[6])).toBeCloseTo(1, 6);
      expect(Math.abs(cosine(vectors[0], vectors[1]))).toBeLessThan(0.5);
    });

    it('puts vectors back in input order when the endpoint answers them out of order', async () => {
      fake.transformEmbeddings((items) => [...items].reverse());

      const vectors = await embedder().embed(['a', 'b', 'c']);

      expect(vectors).toEqual(['a', 'b', 'c'].map((text) => fakeEmbedding(text, DIMENSIONS)));
    });

    it('leaves dimensions out of the request when sendDimensions is false (ada-002 refuses it)', async () => {
      const ada = { model: 'text-embedding-ada-002', dimensions: 1536 };

      const vectors = await embedder({ ...ada, sendDimensions: false }).embed(['hello']);
      const refused = await rejectionOf(embedder(ada).embed(['hello']));

      expect(vectors[0]).toHaveLength(1536);
      expect(fake.requests[0].body).not.toHaveProperty('dimensions');
      expect(fake.requests[1].body).toMatchObject({ dimensions: 1536 });
      expect(refused).toBeInstanceOf(BadRequestError);
    });

    it('retries a 429 as Retry-After says and then succeeds', async () => {
      fake.failNext(429, 1, { 'retry-after': '0' });

      const vectors = await embedder({ maxRetries: 2 }).embed(['hello']);

      expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
      expect(fake.requests[1].body).toEqual(fake.requests[0].body);
      expect(vectors).toEqual([fakeEmbedding('hello', DIMENSIONS)]);
    });

    it('retries a 500 and then succeeds', async () => {
      fake.failNext(500, 1, { 'retry-after': '0' });

      const vectors = await embedder({ maxRetries: 1 }).embed(['hello']);

      expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
      expect(vectors).toEqual([fakeEmbedding('hello', DIMENSIONS)]);
    });

    it('throws a retryable error when 429s or 5xx outlast maxRetries', async () => {
      fake.failNext(503, 3, { 'retry-after': '0' });
      const serverError = await rejectionOf(embedder({ maxRetries: 2 }).embed(['hello']));
      fake.failNext(429, 2, { 'retry-after': '0' });
      const rateLimit = await rejectionOf(embedder({ maxRetries: 1 }).embed(['hello']));

      expect(fake.requests.map((r) => r.status)).toEqual([503, 503, 503, 429, 429]);
      expect(serverError).toBeInstanceOf(InternalServerError);
      expect(rateLimit).toBeInstanceOf(RateLimitError);
      expect(isRetryableEmbeddingError(serverError)).toBe(true);
      expect(isRetryableEmbeddingError(rateLimit)).toBe(true);
    });

    it('does not retry a 400 and classifies it as permanent', async () => {
      fake.failNext(400, 1);

      const err = await rejectionOf(embedder({ maxRetries: 2 }).embed(['hello']));

      expect(err).toBeInstanceOf(BadRequestError);
      expect(isRetryableEmbeddingError(err)).toBe(false);
      expect(fake.requests.map((r) => r.status)).toEqual([400]);
    });

    it('refuses vectors of other dimensions than configured, without retrying', async () => {
      fake.setDimensions(128);

      const err = await rejectionOf(embedder({ maxRetries: 2 }).embed(['hello']));

      expect(err).toBeInstanceOf(EmbeddingDimensionMismatchError);
      expect(err).toMatchObject({ model: 'text-embedding-3-small', expected: DIMENSIONS, received: 128 });
      expect((err as Error).message).toMatch(/"text-embedding-3-small".*128 dimensions.*256 are configured/);
      expect(isRetryableEmbeddingError(err)).toBe(false);
      expect(fake.requests).toHaveLength(1);
    });

    it('refuses an answer with fewer vectors than texts', async () => {
      fake.transformEmbeddings((items) => items.slice(1));

      const err = await rejectionOf(embedder().embed(['a', 'b', 'c']));

      expect(err).toBeInstanceOf(EmbeddingDimensionMismatchError);
      expect(err).toMatchObject({ unit: 'vectors', expected: 3, received: 2 });
    });

    it('refuses an answer that repeats an index instead of covering every text', async () => {
      fake.transformEmbeddings((items) => items.map((item) => ({ ...item, index: 0 })));

      const err = await rejectionOf(embedder().embed(['a', 'b']));

      expect(err).toBeInstanceOf(EmbeddingDimensionMismatchError);
      expect(err).toMatchObject({ unit: 'vectors', expected: 2, received: 2 });
    });

    it('fails with a permanent 401 when the API key is wrong', async () => {
      const err = await rejectionOf(embedder({ apiKey: 'sk-wrong', maxRetries: 2 }).embed(['hello']));

      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(isRetryableEmbeddingError(err)).toBe(false);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0].headers.authorization).toBe('Bearer sk-wrong');
    });

    it('gives up on a slow answer after timeoutMs with a retryable connection error', async () => {
      fake.delayNext(2_000);

      const err = await rejectionOf(embedder({ timeoutMs: 100 }).embed(['hello']));

      // Node gives APIConnectionTimeoutError; Jest's separate realm hides the abort's name from the
      // SDK, which then reports its parent class.
      expect(err).toBeInstanceOf(APIConnectionError);
      expect(isRetryableEmbeddingError(err)).toBe(true);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0].status).toBe(0); // the fake had not answered yet
    });

    it('retries after a timeout and then succeeds', async () => {
      fake.delayNext(2_000);

      const vectors = await embedder({ timeoutMs: 100, maxRetries: 1 }).embed(['hello']);

      expect(vectors).toEqual([fakeEmbedding('hello', DIMENSIONS)]);
      expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
    });

    it('classifies a refused connection as retryable', async () => {
      const closed = await startFakeOpenAi();
      await closed.close();

      const err = await rejectionOf(embedder({ baseUrl: closed.baseUrl }).embed(['hello']));

      expect(err).toBeInstanceOf(APIConnectionError);
      expect(isRetryableEmbeddingError(err)).toBe(true);
    });
  });
});

describe(startFakeOpenAi.name, () => {
  let fake: FakeOpenAi;
  let client: OpenAI;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: fake.apiKey, maxRetries: 0 });
  });

  afterEach(async () => {
    await fake.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${fake.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers base64 embeddings (the SDK default) that decode to the float ones', async () => {
    const answer = await client.embeddings.create({ model: 'text-embedding-3-large', input: ['a', 'b'] });

    expect(fake.requests[0].body).toMatchObject({ encoding_format: 'base64' });
    expect(answer.data.map((d) => d.embedding)).toEqual([fakeEmbedding('a', 3072), fakeEmbedding('b', 3072)]);
    expect(answer.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('refuses empty inputs, too many inputs and bad dimensions in OpenAI error shape', async () => {
    const bodies = [
      { model: 'text-embedding-3-small', input: ['ok', ''] },
      { model: 'text-embedding-3-small', input: new Array<string>(2049).fill('x') },
      { model: 'text-embedding-3-small', input: 'x', dimensions: 0 },
      { model: 'text-embedding-3-small', input: 'x', dimensions: 1537 },
      { input: 'x' },
    ];

    for (const body of bodies) {
      const res = await post('/embeddings', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          message: expect.any(String) as string,
          type: 'invalid_request_error',
          param: expect.any(String) as string,
          code: null,
        },
      });
    }
  });

  it('answers an unknown path with 404 and a missing key with 401', async () => {
    const unknown = await post('/nothing', {});
    const anonymous = await fetch(`${fake.baseUrl}/embeddings`, { method: 'POST', body: '{}' });

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'Invalid URL (POST /v1/nothing)' } });
    expect(anonymous.status).toBe(401);
  });

  it('answers chat completions with the configured text or tool calls', async () => {
    const messages = [{ role: 'user' as const, content: 'When is breakfast?' }];
    const tools = [
      { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } },
    ];
    fake.setChatReply((body) => `You said ${(body.messages as { content: string }[])[0].content}`);
    const text = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    fake.setChatReply({ tool_calls: [{ name: 'lookup', arguments: { q: 'breakfast' } }] });
    const call = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });

    expect(text.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'You said When is breakfast?' },
    });
    expect(call.choices[0].finish_reason).toBe('tool_calls');
    expect(call.choices[0].message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        type: 'function',
        function: { name: 'lookup', arguments: '{"q":"breakfast"}' },
      },
    ]);
  });
});
