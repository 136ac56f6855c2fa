import { HandlesJob, type JobHandler, JobName, type PropertyJobPayload } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { TaskNotices } from '../services/task-notices';

export interface TaskNoticePayload extends PropertyJobPayload {
  conversationId: string;
}

/** Tells a guest their completed requests are done (batched; waits in the delayed set until due). */
@Injectable()
@HandlesJob(JobName.ConciergeTaskNotice, 'property')
export class TaskNoticeJob implements JobHandler<TaskNoticePayload> {
  constructor(private readonly notices: TaskNotices) {}

  handle({ conversationId }: TaskNoticePayload): Promise<string> {
    return this.notices.send(conversationId);
  }
}
