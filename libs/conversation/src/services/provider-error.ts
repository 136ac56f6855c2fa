/** A provider's refusal or failure, classified for retries (429, 5xx and network errors retry). */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null,
    /** Seconds the provider asked us to wait (Retry-After), if it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  static fromResponse(status: number, detail: string, retryAfter: string | null): ProviderError {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    return new ProviderError(`HTTP ${status}: ${detail}`, status === 429 || status >= 500, status, seconds);
  }

  static network(err: unknown): ProviderError {
    return new ProviderError(`network error: ${(err as Error).message}`, true, null);
  }
}
