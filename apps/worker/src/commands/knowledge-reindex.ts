/**
 * `npm run knowledge:reindex`: re-embeds the knowledge of every property with the configured
 * embedding model, in the background. It queues one platform job; the worker fans it out to one
 * reindex job per property, and each property's search keeps using its current vectors until
 * its new ones are complete. A worker restart after a change of model does the same by itself
 * for the properties whose vectors are another model's.
 */
import 'reflect-metadata';

import { AppConfig, JOB_QUEUE, JobName, QUEUE_DEFAULTS, readEnvironment } from '@app/platform';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

async function main(): Promise<void> {
  // Only Redis is needed: no secrets, so it also runs from an operator's shell.
  const env = readEnvironment();
  const defaults = new AppConfig();
  const config = {
    REDIS_URL: env.REDIS_URL || defaults.REDIS_URL,
    REDIS_PREFIX: env.REDIS_PREFIX || defaults.REDIS_PREFIX,
  };
  const connection = new IORedis(config.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  const name = JOB_QUEUE[JobName.KnowledgeReindexAll];
  const queue = new Queue(name, {
    connection,
    prefix: config.REDIS_PREFIX,
    defaultJobOptions: QUEUE_DEFAULTS[name],
  });
  try {
    const job = await queue.add(
      JobName.KnowledgeReindexAll,
      { force: true },
      { jobId: `knowledge-reindex-all:cli:${Date.now()}` },
    );
    console.log(
      `queued ${JobName.KnowledgeReindexAll} (job ${job.id}): every property is re-embedded in the background`,
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

main().catch((err: Error) => {
  console.error(`knowledge reindex not queued: ${err.message}`);
  process.exit(1);
});
