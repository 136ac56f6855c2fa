import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import {
  type ChatCompletion,
  type ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';

import { CircuitBreaker } from './circuit-breaker';

/**
 * The concierge's connection to an OpenAI-compatible chat API (OpenAI, Azure, vLLM, Ollama…):
 * one request at a time per call with the concierge's timeout and no SDK retries (a slow or
 * failing model costs the guest one timeout, then the builtin engine acts), behind a circuit
 * breaker shared by the worker's jobs so an outage stops being waited on.
 */
@Injectable()
export class LlmClient {
  private readonly client: OpenAI | null;
  readonly breaker: CircuitBreaker;

  constructor(private readonly config: AppConfig) {
    this.client = config.OPENAI_API_KEY
      ? new OpenAI({
          baseURL: config.OPENAI_BASE_URL,
          apiKey: config.OPENAI_API_KEY,
          timeout: config.AI_CONCIERGE_TIMEOUT_MS,
          maxRetries: 0,
        })
      : null;
    this.breaker = new CircuitBreaker(config.AI_BREAKER_FAILURES, config.AI_BREAKER_COOLDOWN_MS);
  }

  /** False when no key is configured: the openai engine cannot run and the builtin one acts. */
  get configured(): boolean {
    return this.client !== null;
  }

  get model(): string {
    return this.config.OPENAI_CHAT_MODEL;
  }

  /** A signal that ends a whole exchange of several completions: twice one completion's limit. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.config.AI_CONCIERGE_TIMEOUT_MS * 2);
  }

  /** One chat completion, through the breaker; throws on a timeout, an error answer or an open breaker. */
  complete(
    params: Omit<ChatCompletionCreateParamsNonStreaming, 'model'>,
    signal?: AbortSignal,
  ): Promise<ChatCompletion> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('no OPENAI_API_KEY is configured'));
    return this.breaker.run(async () => {
      const started = Date.now();
      let completion: ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          { ...params, model: this.config.OPENAI_CHAT_MODEL, stream: false },
          { signal },
        );
      } catch (err) {
        throw describe(err, Date.now() - started, this.config.AI_CONCIERGE_TIMEOUT_MS);
      }
      if (!Array.isArray(completion.choices) || !completion.choices[0]?.message)
        throw new Error('the model answered without a message');
      return completion;
    });
  }
}

/** An error that says what went wrong in words an SRE reads in a trace: a timeout, a status, a network failure. */
function describe(err: unknown, elapsedMs: number, timeoutMs: number): Error {
  if (err instanceof APIUserAbortError)
    return new Error(`the model took longer than ${2 * timeoutMs} ms in all`);
  if (
    err instanceof APIConnectionTimeoutError ||
    (err instanceof APIConnectionError && elapsedMs >= timeoutMs * 0.95)
  )
    return new Error(`the model timed out after ${timeoutMs} ms`);
  if (err instanceof APIError && err.status)
    return new Error(`the model answered HTTP ${err.status}: ${err.message}`);
  if (err instanceof APIConnectionError) return new Error(`the model could not be reached: ${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}
