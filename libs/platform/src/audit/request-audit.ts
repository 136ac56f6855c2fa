import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

export const AUDIT_DETAILS = 'auditDetails';

/** Adds details (counts, ids) to the audit row the property-request interceptor writes. */
@Injectable()
export class RequestAudit {
  constructor(private readonly cls: ClsService) {}

  addDetails(details: Record<string, unknown>): void {
    if (!this.cls.isActive()) return;
    this.cls.set(AUDIT_DETAILS, { ...this.cls.get<object | undefined>(AUDIT_DETAILS), ...details });
  }
}

@Global()
@Module({ providers: [RequestAudit], exports: [RequestAudit] })
export class RequestAuditModule {}
