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
      // commandTimeout: a Redis that stalls (rather than refuses) must not hold the relay's
      // transaction, and its row locks, open indefinitely.
      this.connection ??= this.redis.create('butler-producer', {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: this.config.REDIS_COMMAND_TIMEOUT_MS,
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

  /** Adds many jobs, one round trip per queue; jobIds make a repeated add a no-op. */
  async addBulk(jobs: { name: JobName; payload: object; jobId: string }[]): Promise<void> {
    const byQueue = new Map<QueueName, typeof jobs>();
    for (const job of jobs)
      byQueue.set(JOB_QUEUE[job.name], [...(byQueue.get(JOB_QUEUE[job.name]) ?? []), job]);
    for (const [queueName, batch] of byQueue) {
      const queue = this.queue(queueName);
      await this.connected();
      // One job (a webhook's, a reply's send) is one script call; addBulk wraps its calls in
      // MULTI/EXEC, and ioredis builds a pipeline object for that at every call.
      if (batch.length === 1) await queue.add(batch[0].name, batch[0].payload, { jobId: batch[0].jobId });
      else
        await queue.addBulk(batch.map((j) => ({ name: j.name, data: j.payload, opts: { jobId: j.jobId } })));
    }
  }

  async add(
    name: JobName,
    payload: object,
    jobId: string,
    opts: { delay?: number; attempts?: number } = {},
  ): Promise<void> {
    const queue = this.queue(JOB_QUEUE[name]);
    await this.connected();
    const set = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    await queue.add(name, payload, { jobId, ...set });
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
