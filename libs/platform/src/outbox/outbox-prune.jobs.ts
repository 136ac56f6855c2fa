import { Injectable } from '@nestjs/common';

import { PropertiesRepository } from '../identity/repositories/properties.repository';
import { HandlesJob, type JobHandler, type PropertyJobPayload } from '../queue/job-handler';
import { JobName } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue-producer.service';
import { OutboxRepository } from './outbox.repository';

const RETENTION_DAYS = 7;
/** Retention jobs run daily for every property (handlers live in the contexts that own the rows). */
const DAILY_PROPERTY_JOBS = [
  JobName.OutboxPrune,
  JobName.PmsWebhookEventsPrune,
  JobName.ConversationPrune,
  JobName.KnowledgePrune,
] as const;

/** Fans the daily retention jobs out, one per property and job (cross-property work never shares a tx). */
@Injectable()
@HandlesJob(JobName.OutboxPruneAll, 'platform')
export class OutboxPruneAllJob implements JobHandler {
  constructor(
    private readonly properties: PropertiesRepository,
    private readonly producer: QueueProducer,
  ) {}

  async handle(): Promise<number> {
    const properties = await this.properties.listIds();
    const day = new Date().toISOString().slice(0, 10);
    for (const id of properties)
      for (const job of DAILY_PROPERTY_JOBS)
        await this.producer.add(job, { propertyId: id }, `${job}:${id}:${day}`);
    return properties.length;
  }
}

@Injectable()
@HandlesJob(JobName.OutboxPrune, 'property')
export class OutboxPruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly outbox: OutboxRepository) {}

  handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return this.outbox.prunePublished(propertyId, RETENTION_DAYS);
  }
}
