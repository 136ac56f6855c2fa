import { HandlesJob, type JobHandler, JobName, type PropertyJobPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ParkedStatusesRepository } from '../repositories/deliveries.repository';

/** Daily: delivery callbacks parked a week for messages never recorded as ours are forgotten. */
@Injectable()
@HandlesJob(JobName.ConversationPrune, 'property')
export class ConversationPruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly parked: ParkedStatusesRepository) {}

  handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return this.parked.prune(propertyId, 7);
  }
}
