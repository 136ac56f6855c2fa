import { Injectable } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../queue/job-handler';
import { JobName } from '../queue/queue-names';
import { SessionsRepository } from './repositories/sessions.repository';

/** Daily: forget refresh tokens expired for a week or revoked for a month. */
@Injectable()
@HandlesJob(JobName.SessionsPrune, 'platform')
export class SessionsPruneJob implements JobHandler {
  constructor(private readonly sessions: SessionsRepository) {}

  handle(): Promise<number> {
    return this.sessions.prune(7, 30);
  }
}
