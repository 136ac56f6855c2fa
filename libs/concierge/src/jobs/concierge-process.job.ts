import { HandlesJob, type JobHandler, JobName, type PropertyJobPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ConciergePipeline } from '../services/concierge-pipeline';

export interface ConciergeProcessPayload extends PropertyJobPayload {
  messageId: string;
}

/**
 * One guest message through the concierge pipeline, in one property transaction: if anything
 * fails, nothing of it (reply, task, trace) is kept and the retry starts over; a processed
 * message is skipped.
 */
@Injectable()
@HandlesJob(JobName.ConciergeProcess, 'property')
export class ConciergeProcessJob implements JobHandler<ConciergeProcessPayload> {
  constructor(private readonly pipeline: ConciergePipeline) {}

  async handle({ messageId }: ConciergeProcessPayload): Promise<string> {
    const result = await this.pipeline.process(messageId);
    return result ? `${result.outcome} (${result.rule})` : 'skipped';
  }
}
