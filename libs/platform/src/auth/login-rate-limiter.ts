import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import {
  DependencyUnavailableException,
  PlatformErrorCode,
  RateLimitedException,
} from '../errors/app-exception';
import { RedisService } from '../redis/redis.service';

// INCR with the window set on first hit; returns [count, ttl ms]. Atomic, so replicas share limits.
const HIT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

/**
 * Fixed-window login limits in Redis: attempts per IP and failures per email. If Redis is down
 * logins answer 503 rather than run unprotected.
 */
@Injectable()
export class LoginRateLimiter {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  /** Counts this attempt against the IP and refuses when the IP or the email is over its limit. */
  async beforeAttempt(ip: string, email: string): Promise<void> {
    const windowMs = this.config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000;
    const [ipHit, emailState] = await this.guard(() =>
      Promise.all([
        this.redis.client.eval(HIT, 1, this.ipKey(ip), windowMs) as Promise<[number, number]>,
        this.redis.client.multi().get(this.emailKey(email)).pttl(this.emailKey(email)).exec(),
      ]),
    );
    if (ipHit[0] > this.config.LOGIN_RATE_LIMIT_PER_IP) throw new RateLimitedException(ipHit[1] / 1000);
    const failures = Number(emailState?.[0]?.[1] ?? 0);
    const ttl = Number(emailState?.[1]?.[1] ?? 0);
    if (failures >= this.config.LOGIN_RATE_LIMIT_PER_EMAIL) throw new RateLimitedException(ttl / 1000);
  }

  async recordFailure(email: string): Promise<void> {
    const windowMs = this.config.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000;
    await this.guard(() => this.redis.client.eval(HIT, 1, this.emailKey(email), windowMs));
  }

  async recordSuccess(email: string): Promise<void> {
    await this.guard(() => this.redis.client.del(this.emailKey(email)));
  }

  private ipKey(ip: string): string {
    return this.redis.key('rl', 'login', 'ip', ip);
  }

  private emailKey(email: string): string {
    // Hashed: Redis keys are visible to operators, emails are personal data.
    return this.redis.key(
      'rl',
      'login',
      'email',
      createHash('sha256').update(email).digest('hex').slice(0, 32),
    );
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch {
      throw new DependencyUnavailableException(
        PlatformErrorCode.DependencyUnavailable,
        'Sign-in is temporarily unavailable; try again shortly.',
      );
    }
  }
}
