/** The breaker's state: closed (calls go through), open (calls refused), half-open (one trial call). */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Thrown instead of calling while the breaker is open. */
export class CircuitOpenError extends Error {
  constructor(readonly retryInMs: number) {
    super(`the language model is unavailable (circuit open, next trial in ${Math.ceil(retryInMs / 1000)} s)`);
  }
}

/**
 * A circuit breaker around an unreliable dependency: after `failureThreshold` failures in a row it
 * opens and refuses calls at once for `cooldownMs`; then one trial call is let through (half-open),
 * whose success closes it and whose failure opens it again. A slow dependency costs each caller
 * at most one timeout before the breaker stops sending work to it.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trial = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** Runs `call` unless the breaker is open (or a half-open trial is already running). */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.trial))
      throw new CircuitOpenError(
        state === 'open' ? this.cooldownMs - (this.now() - this.openedAt!) : this.cooldownMs,
      );
    const isTrial = state === 'half_open';
    if (isTrial) this.trial = true;
    try {
      const result = await call();
      this.failures = 0;
      this.openedAt = null;
      return result;
    } catch (err) {
      this.failures += 1;
      if (isTrial || this.failures >= this.failureThreshold) this.openedAt = this.now();
      throw err;
    } finally {
      if (isTrial) this.trial = false;
    }
  }
}
