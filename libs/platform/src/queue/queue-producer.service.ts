import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { QUEUE_DEFAULTS } from './queue-defaults';
import { JOB_QUEUE, type JobName, QueueName } from './queue-names';

/**
 * Publishes jobs. Tenant code does not call this directly: it writes an outbox row in its
 * transaction (OutboxService) and the relay publishes. The producer connection fails fast while
 * Redis is down so the relay keeps the row pending instead of hanging.
 */
@Injectable()
export class QueueProducer implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private connection?: ReturnType<RedisService['create']>;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.connection ??= this.redis.create('butler-producer', {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.config.REDIS_PREFIX,
        defaultJobOptions: QUEUE_DEFAULTS[name],
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add(name: JobName, payload: object, jobId: string): Promise<void> {
    const queue = this.queue(JOB_QUEUE[name]);
    await this.connected();
    await queue.add(name, payload, { jobId });
  }

  /**
   * A queue first used while Redis is down waits, without limit, for a connection it never had.
   * Fail instead (after at most the first connection attempt), so the caller's transaction rolls
   * back now rather than holding its outbox rows until Redis returns.
   */
  private async connected(): Promise<void> {
    const connection = this.connection;
    if (!connection || connection.status === 'ready') return;
    if (connection.status === 'connecting' || connection.status === 'connect') {
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          connection.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          connection.off('ready', onReady);
          reject(new Error('Redis is unavailable'));
        };
        connection.once('ready', onReady);
        connection.once('close', onClose);
      });
      return;
    }
    throw new Error(`Redis is unavailable (connection ${connection.status})`);
  }

  allQueues(): Queue[] {
    return Object.values(QueueName).map((n) => this.queue(n));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
