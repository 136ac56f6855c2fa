import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';

import { AppConfig } from '../config/app-config';
import { within } from '../time/within';

/**
 * Redis connections. `client` fails fast while Redis is down (no offline queue) and when a
 * command goes unanswered for REDIS_COMMAND_TIMEOUT_MS (a stalled Redis), which is what
 * request-path callers (rate limits, live events) want: an error now rather than a hung request.
 * It pipelines on its own: what one turn of the event loop sends goes out in one write.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    // Commands asked for in one turn of the event loop (a commit's live events) leave in one write.
    this.client = this.create('butler-client', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
      commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    });
  }

  /** A new connection; BullMQ workers need `maxRetriesPerRequest: null` and their own socket. */
  create(name: string, options: RedisOptions = {}): Redis {
    const redis = new Redis(this.config.REDIS_URL, {
      connectionName: name,
      lazyConnect: false,
      retryStrategy: (times) => Math.min(200 * times, 2000),
      ...options,
    });
    redis.on('error', (err: Error) => this.logger.warn(`redis ${name}: ${err.message}`));
    if (this.client) this.extra.push(redis);
    return redis;
  }

  key(...parts: string[]): string {
    return [this.config.REDIS_PREFIX, ...parts].join(':');
  }

  /** True when Redis answers PING within the timeout (waiting for a connection still being made). */
  async ping(timeoutMs = 1000): Promise<boolean> {
    const pong = (async () => {
      if (this.client.status === 'connecting' || this.client.status === 'connect') {
        await new Promise((resolve) => this.client.once('ready', resolve));
      }
      return this.client.ping();
    })();
    pong.catch(() => undefined); // a late failure, after the wait gave up, is no one's
    try {
      return (await within(pong, timeoutMs)) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT is refused while a fail-fast connection is down; disconnect() also cancels its reconnect timer.
    await Promise.allSettled([this.client, ...this.extra].map((r) => r.quit().catch(() => r.disconnect())));
  }
}
