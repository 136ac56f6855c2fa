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
    await this.queue(JOB_QUEUE[name]).add(name, payload, { jobId });
  }

  allQueues(): Queue[] {
    return Object.values(QueueName).map((n) => this.queue(n));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
