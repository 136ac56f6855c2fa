import { AuditRecorder } from '@app/platform';
import { Global, Module } from '@nestjs/common';

import { AuditLogController } from './controllers/audit-log.controller';
import { AuditLogPartitionsJob } from './jobs/audit-log-partitions.job';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { AuditLogService } from './services/audit-log.service';
import { AuditLogRecorder } from './services/audit-log-recorder';

/** The `compliance` schema: the audit log (and, later, retention and data-subject requests). */
@Global()
@Module({
  controllers: [AuditLogController],
  providers: [
    AuditLogRepository,
    AuditLogService,
    AuditLogPartitionsJob,
    { provide: AuditRecorder, useClass: AuditLogRecorder },
  ],
  exports: [AuditRecorder],
})
export class ComplianceModule {}
