import { HandlesJob, type JobHandler, JobName, type PropertyJobPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { PmsConnectionsRepository } from '../repositories/pms-connections.repository';

/** A PMS redelivers for hours, not weeks: event ids older than this are forgotten. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

@Injectable()
@HandlesJob(JobName.PmsWebhookEventsPrune, 'property')
export class PmsWebhookEventsPruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly connections: PmsConnectionsRepository) {}

  handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return this.connections.pruneEvents(propertyId, WEBHOOK_EVENT_RETENTION_DAYS);
  }
}
