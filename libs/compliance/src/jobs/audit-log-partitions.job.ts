import { HandlesJob, type JobHandler, JobName } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { AuditLogRepository } from '../repositories/audit-log.repository';

const MONTHS_AHEAD = 3;

/** Creates the audit log's partitions for this and the next three months (idempotent). */
@Injectable()
@HandlesJob(JobName.AuditLogPartitions, 'platform')
export class AuditLogPartitionsJob implements JobHandler {
  constructor(private readonly auditLog: AuditLogRepository) {}

  handle(): Promise<number> {
    return this.auditLog.ensurePartitions(MONTHS_AHEAD);
  }
}
