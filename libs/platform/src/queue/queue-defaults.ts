import { type JobsOptions } from 'bullmq';

import { QueueName } from './queue-names';

const DAY = 24 * 3600;

/**
 * Per-queue job defaults. Completed jobs are kept a day so that a relay that republishes an
 * outbox row (same jobId) within that window is deduplicated by BullMQ.
 */
export const QUEUE_DEFAULTS: Record<QueueName, JobsOptions> = {
  [QueueName.InboundProcessing]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: DAY, count: 10000 },
    removeOnFail: { age: 7 * DAY, count: 10000 },
  },
  [QueueName.OutboundMessages]: {
    attempts: 8,
    // Exponential from 2 s, or what the provider asked for (Retry-After): see retryAfterBackoff.
    backoff: { type: 'retry-after', delay: 2000 },
    removeOnComplete: { age: DAY, count: 10000 },
    removeOnFail: { age: 14 * DAY, count: 10000 },
  },
  [QueueName.Embeddings]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { age: DAY, count: 10000 },
    removeOnFail: { age: 7 * DAY, count: 10000 },
  },
  [QueueName.Automations]: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: DAY, count: 10000 },
    removeOnFail: { age: 7 * DAY, count: 10000 },
  },
  [QueueName.Maintenance]: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 10000 },
    removeOnComplete: { age: DAY, count: 10000 },
    removeOnFail: { age: 30 * DAY, count: 10000 },
  },
};
