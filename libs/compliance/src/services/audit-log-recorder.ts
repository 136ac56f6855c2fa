import { type AuditEntry, AuditRecorder, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { AuditLogRepository } from '../repositories/audit-log.repository';

/** The compliance context's implementation of the platform's audit port. */
@Injectable()
export class AuditLogRecorder extends AuditRecorder {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly db: TenantDb,
  ) {
    super();
  }

  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.repository.insert(entry, manager ?? this.db.manager);
  }

  async recordInProperties(propertyIds: string[], entry: AuditEntry): Promise<void> {
    for (const propertyId of propertyIds) {
      await this.db.run({ propertyId, userId: entry.actorType === 'staff' ? entry.actorId : null }, (em) =>
        this.repository.insert(entry, em),
      );
    }
  }
}
