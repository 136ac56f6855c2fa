import { HandlesJob, type JobHandler, JobName, type PropertyJobPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ConciergePipeline } from '../services/concierge-pipeline';

export interface ConciergeProcessPayload extends PropertyJobPayload {
  messageId: string;
}

/**
 * One guest message through the concierge pipeline (web chat messages; a message received from a
 * provider goes through it in its inbound job), which opens its own property transactions
 * (an LLM is never waited on inside one): what it decides, it records in one transaction with
 * the trace, so if anything fails nothing of it (reply, task, trace) is kept and the retry starts
 * over; a processed message is skipped.
 */
@Injectable()
@HandlesJob(JobName.ConciergeProcess, 'property-steps')
export class ConciergeProcessJob implements JobHandler<ConciergeProcessPayload> {
  constructor(private readonly pipeline: ConciergePipeline) {}

  handle({ propertyId, messageId }: ConciergeProcessPayload): Promise<string> {
    return this.pipeline.run(propertyId, messageId);
  }
}
