import { Global, Injectable, Module } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';

export const AUDIT_DETAILS = 'auditDetails';
/**
 * For routes with their own transactions: how to write the request's audit row in the current
 * one, and whether the handler did (then the interceptor writes none on success). A holder object,
 * so what a nested context (a property transaction) sets is seen by the request's.
 */
export const AUDIT_NOW = 'auditNow';
export interface AuditNow {
  record: (result: unknown) => Promise<void>;
  done: boolean;
}

/** Adds details (counts, ids) to the audit row the property-request interceptor writes. */
@Injectable()
export class RequestAudit {
  constructor(private readonly cls: ClsService) {}

  addDetails(details: Record<string, unknown>): void {
    if (!this.cls.isActive()) return;
    this.cls.set(AUDIT_DETAILS, { ...this.cls.get<object | undefined>(AUDIT_DETAILS), ...details });
  }

  /**
   * On a route with its own transactions (`@OwnTransactions()`): writes the request's audit row
   * now, inside the caller's property transaction, so the write and its audit commit together
   * (the interceptor then writes none when the handler succeeds). A no-op elsewhere.
   */
  async recordNow(result?: unknown): Promise<void> {
    if (!this.cls.isActive()) return;
    const now = this.cls.get<AuditNow | undefined>(AUDIT_NOW);
    if (!now) return;
    await now.record(result);
    now.done = true;
  }
}

@Global()
@Module({ providers: [RequestAudit], exports: [RequestAudit] })
export class RequestAuditModule {}
