import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface FakeOpenAiOptions {
  /** The only key the fake accepts as `Authorization: Bearer …` (default: a random sk-fake-… key). */
  apiKey?: string;
  /**
   * Vector length when a request names no `dimensions`, for models the fake does not know
   * (default 1536); text-embedding-3-small, -3-large and ada-002 answer their own sizes.
   */
  dimensions?: number;
}

export interface FakeOpenAiRequest {
  method: string;
  /** Without the query string, e.g. /v1/embeddings. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body as parsed, or undefined when it was not a JSON object. */
  body: Record<string, unknown> | undefined;
  /** The status it was answered (0 while a delayed answer is pending). */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** One item of an embeddings answer, before encoding, as `transformEmbeddings` sees it. */
export interface FakeEmbeddingItem {
  index: number;
  embedding: number[];
}

/** A tool call for setChatReply; `arguments` is sent as JSON text, as the API does. */
export interface FakeChatToolCall {
  id?: string;
  name: string;
  arguments: string | object;
}

export type FakeChatReply = string | { content?: string | null; tool_calls: FakeChatToolCall[] };

export interface FakeOpenAi {
  /** The API root, ending in /v1, for the SDK's `baseURL`. */
  baseUrl: string;
  apiKey: string;
  /** Every request, in order of arrival, with the status it was answered. */
  requests: FakeOpenAiRequest[];
  /** Answers the next `count` authenticated requests to a known path with `status` and OpenAI's error body. */
  failNext(status: number, count?: number, headers?: Record<string, string>, path?: string): void;
  /** Embeddings of this length whatever was asked (undefined: as asked), to test length checks. */
  setDimensions(dimensions: number | undefined): void;
  /** Rewrites the items of every embeddings answer (reorder, drop, duplicate), or stops (undefined). */
  transformEmbeddings(fn: ((items: FakeEmbeddingItem[]) => FakeEmbeddingItem[]) | undefined): void;
  /** Holds the next `count` answers back by `ms`, to make clients time out. */
  delayNext(ms: number, count?: number): void;
  /** The assistant's answer to chat completions: text, tool calls, or a function of the request body. */
  setChatReply(reply: FakeChatReply | ((body: Record<string, unknown>) => FakeChatReply)): void;
  close(): Promise<void>;
}

const DEFAULT_CHAT_REPLY = 'This is the fake OpenAI server answering.';
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-ada-002': 1536,
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
};
const MAX_INPUTS = 2048;
const MAX_INPUT_TOKENS = 8192;
const MAX_REQUEST_TOKENS = 300_000;
const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

interface Answer {
  status: number;
  json: object;
  headers?: Record<string, string>;
}

/** An answer in OpenAI's error shape, thrown by the checks. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = status >= 500 ? 'server_error' : 'invalid_request_error',
  ) {
    super(message);
  }

  answer(headers?: Record<string, string>): Answer {
    const error = { message: this.message, type: this.type, param: this.param, code: this.code };
    return { status: this.status, json: { error }, headers };
  }
}

/**
 * A local stand-in for an OpenAI-compatible API (POST /v1/embeddings and /v1/chat/completions) on
 * 127.0.0.1 and a random port, that checks what the real API checks: the bearer key, a JSON body,
 * the parameters' types and limits (2048 inputs, no empty input, ~8192 tokens per input and
 * 300,000 per request, positive `dimensions` within the model's size and none for ada-002,
 * `encoding_format` float or base64), and answers errors in OpenAI's `{ error: { message, type,
 * param, code } }` shape. Embeddings are deterministic per text (see fakeEmbedding).
 */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const apiKey = options.apiKey ?? `sk-fake-${randomBytes(16).toString('hex')}`;
  const requests: FakeOpenAiRequest[] = [];
  const failures: { status: number; headers: Record<string, string>; path?: string }[] = [];
  const delays: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let dimensionsOverride: number | undefined;
  let transform: ((items: FakeEmbeddingItem[]) => FakeEmbeddingItem[]) | undefined;
  let chatReply: FakeChatReply | ((body: Record<string, unknown>) => FakeChatReply) = DEFAULT_CHAT_REPLY;

  const embeddings = (body: Record<string, unknown>): object => {
    const model = requireModel(body);
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (
      !Array.isArray(inputs) ||
      inputs.length === 0 ||
      inputs.length > MAX_INPUTS ||
      !inputs.every((text) => typeof text === 'string' && text.length > 0)
    )
      throw new ApiError(
        400,
        `'$.input' is invalid: a non-empty string or 1 to ${MAX_INPUTS} non-empty strings are required.`,
        'input',
      );
    const tokens = (inputs as string[]).map(estimateTokens);
    const longest = Math.max(...tokens);
    if (longest > MAX_INPUT_TOKENS)
      throw new ApiError(
        400,
        `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${longest} tokens.`,
        'input',
      );
    const total = tokens.reduce((sum, n) => sum + n, 0);
    if (total > MAX_REQUEST_TOKENS)
      throw new ApiError(
        400,
        `Requested ${total} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`,
        'input',
        'max_tokens_per_request',
      );
    const dimensions = dimensionsOverride ?? requestedDimensions(model, body.dimensions, options.dimensions);
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64')
      throw new ApiError(
        400,
        `Invalid value for 'encoding_format': must be 'float' or 'base64'.`,
        'encoding_format',
      );
    const items = (inputs as string[]).map((text, index) => ({
      index,
      embedding: fakeEmbedding(text, dimensions),
    }));
    return {
      object: 'list',
      data: (transform ? transform(items) : items).map(({ index, embedding }) => ({
        object: 'embedding',
        index,
        embedding: format === 'base64' ? float32Base64(embedding) : embedding,
      })),
      model,
      usage: { prompt_tokens: total, total_tokens: total },
    };
  };

  const chat = (body: Record<string, unknown>): object => {
    const model = requireModel(body);
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      throw new ApiError(400, "Invalid value for 'messages': a non-empty array is required.", 'messages');
    body.messages.forEach(checkMessage);
    const tools = toolNames(body.tools);
    if (body.stream === true) throw new ApiError(400, 'The fake OpenAI server does not stream.', 'stream');
    const reply = typeof chatReply === 'function' ? chatReply(body) : chatReply;
    const message = typeof reply === 'string' ? { content: reply } : toolCallMessage(reply, tools);
    const promptTokens = estimateTokens(JSON.stringify(body.messages));
    const completionTokens = estimateTokens(JSON.stringify(message));
    return {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', refusal: null, annotations: [], ...message },
          logprobs: null,
          finish_reason: typeof reply === 'string' ? 'stop' : 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      system_fingerprint: null,
    };
  };

  const routes: Record<string, (body: Record<string, unknown>) => object> = {
    'POST /v1/embeddings': embeddings,
    'POST /v1/chat/completions': chat,
  };

  const handle = (request: FakeOpenAiRequest): Answer => {
    try {
      const authorization = request.headers.authorization;
      if (!authorization)
        throw new ApiError(401, "You didn't provide an API key (Authorization: Bearer YOUR_KEY).");
      if (authorization !== `Bearer ${apiKey}`)
        throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
      const route = routes[`${request.method} ${request.path}`];
      if (!route) throw new ApiError(404, `Invalid URL (${request.method} ${request.path})`);
      const at = failures.findIndex((f) => !f.path || f.path === request.path);
      const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
      if (failure) return failureError(failure.status).answer(failure.headers);
      if (!/^application\/json\b/.test(request.headers['content-type'] ?? ''))
        throw new ApiError(400, 'The body must be JSON (Content-Type: application/json).');
      if (!request.body) throw new ApiError(400, 'We could not parse the JSON body of your request.');
      return { status: 200, json: route(request.body) };
    } catch (err) {
      if (err instanceof ApiError) return err.answer();
      // A mistake in the test's setup: say so, and keep the SDK from retrying it.
      const message = `fake OpenAI: ${err instanceof Error ? err.message : String(err)}`;
      return new ApiError(500, message).answer({ 'x-should-retry': 'false' });
    }
  };

  const server = createServer((req, res) => {
    void readBody(req).then(
      (raw) => {
        const request: FakeOpenAiRequest = {
          method: req.method ?? 'GET',
          path: (req.url ?? '/').split('?')[0],
          headers: req.headers,
          body: parseObject(raw),
          status: 0,
          at: Date.now(),
        };
        requests.push(request);
        const answer = () => {
          const { status, json, headers } = handle(request);
          request.status = status;
          if (res.destroyed) return; // the client gave up (timeout)
          res.writeHead(status, {
            'content-type': 'application/json',
            'x-request-id': `req_${randomBytes(16).toString('hex')}`,
            ...headers,
          });
          res.end(JSON.stringify(json));
        };
        const delay = delays.shift();
        if (!delay) return answer();
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delay);
        timers.add(timer);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    failNext: (status, count = 1, headers = {}, path) => {
      for (let i = 0; i < count; i++) failures.push({ status, headers, path });
    },
    setDimensions: (dimensions) => void (dimensionsOverride = dimensions),
    transformEmbeddings: (fn) => void (transform = fn),
    delayNext: (ms, count = 1) => void delays.push(...new Array<number>(count).fill(ms)),
    setChatReply: (reply) => void (chatReply = reply),
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The fake's embedding of a text: a pseudo-random stream seeded by the text's SHA-256, its first
 * `dimensions` values L2-normalized and rounded to float32 (as the API's are). The same text gives
 * the same vector (cosine 1), different texts nearly orthogonal ones, and a shorter vector is a
 * longer one's prefix renormalized, as with text-embedding-3's `dimensions`.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  const next = sfc32(seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12));
  const values = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(values.reduce((sum, x) => sum + x * x, 0));
  return values.map((x) => Math.fround(x / norm));
}

/** The small, fast sfc32 generator: uniform numbers in [0, 1). */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = ((c << 21) | (c >>> 11)) + t;
    c |= 0;
    return (t >>> 0) / 4294967296;
  };
}

/** The API's base64 encoding: little-endian float32s. */
function float32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buffer.writeFloatLE(x, i * 4));
  return buffer.toString('base64');
}

/** About four characters a token, as the knowledge chunker estimates too. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function requireModel(body: Record<string, unknown>): string {
  if (typeof body.model !== 'string' || body.model === '')
    throw new ApiError(400, 'you must provide a model parameter', 'model');
  return body.model;
}

function requestedDimensions(model: string, value: unknown, fallback: number | undefined): number {
  const native = NATIVE_DIMENSIONS[model];
  if (value === undefined) return native ?? fallback ?? 1536;
  if (model === 'text-embedding-ada-002')
    throw new ApiError(400, 'This model does not support specifying dimensions.', 'dimensions');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > (native ?? Infinity))
    throw new ApiError(
      400,
      `Invalid value for 'dimensions': a positive integer${native ? ` up to ${native}` : ''} is required.`,
      'dimensions',
    );
  return value;
}

function checkMessage(message: unknown, i: number): void {
  const m = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
  if (typeof m.role !== 'string' || !ROLES.includes(m.role))
    throw new ApiError(400, `Invalid value for 'messages[${i}].role'.`, `messages.[${i}].role`);
  const hasContent = typeof m.content === 'string' || Array.isArray(m.content);
  const ok =
    m.role === 'assistant'
      ? hasContent || m.content === null || Array.isArray(m.tool_calls)
      : hasContent && (m.role !== 'tool' || typeof m.tool_call_id === 'string');
  if (!ok)
    throw new ApiError(
      400,
      `Missing required parameter: 'messages[${i}].${m.role === 'tool' ? 'tool_call_id' : 'content'}'.`,
      `messages.[${i}]`,
      'missing_required_parameter',
    );
}

/** The function names a request offers as tools. */
function toolNames(tools: unknown): string[] {
  if (tools === undefined) return [];
  const names = Array.isArray(tools)
    ? tools.map((tool: { type?: unknown; function?: { name?: unknown } } | null) =>
        tool?.type === 'function' ? tool.function?.name : undefined,
      )
    : [undefined];
  if (!names.every((name) => typeof name === 'string' && /^[a-zA-Z0-9_-]{1,64}$/.test(name)))
    throw new ApiError(
      400,
      "Invalid value for 'tools': function tools with valid names are required.",
      'tools',
    );
  return names as string[];
}

/** An assistant message calling tools, which the request must have offered (a model cannot do otherwise). */
function toolCallMessage(reply: Exclude<FakeChatReply, string>, offered: string[]): object {
  const unknown = reply.tool_calls.find((call) => !offered.includes(call.name));
  if (unknown) throw new Error(`setChatReply calls tool "${unknown.name}", which the request did not offer`);
  return {
    content: reply.content ?? null,
    tool_calls: reply.tool_calls.map((call) => ({
      id: call.id ?? `call_${randomBytes(12).toString('hex')}`,
      type: 'function',
      function: {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      },
    })),
  };
}

/** OpenAI's error body for an injected failure. */
function failureError(status: number): ApiError {
  if (status === 429)
    return new ApiError(429, 'Rate limit reached (fake).', null, 'rate_limit_exceeded', 'requests');
  if (status >= 500)
    return new ApiError(status, 'The server had an error while processing your request (fake).');
  return new ApiError(status, `Injected failure ${status} (fake).`);
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
