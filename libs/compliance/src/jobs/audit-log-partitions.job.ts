import { HandlesJob, type JobHandler, JobName, PlatformDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

/** Creates the audit log's partitions for this and the next three months (idempotent). */
@Injectable()
@HandlesJob(JobName.AuditLogPartitions, 'platform')
export class AuditLogPartitionsJob implements JobHandler {
  constructor(private readonly db: PlatformDb) {}

  async handle(): Promise<number> {
    const rows = await this.db.query<{ created: number }>(
      'select compliance.ensure_audit_log_partitions(3) as created',
    );
    return rows[0].created;
  }
}
