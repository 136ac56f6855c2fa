import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { from, lastValueFrom, type Observable } from 'rxjs';

import { AuditRecorder } from '../audit/audit-recorder';
import { AUDITED, type AuditedMeta } from '../audit/audited.decorator';
import { AUDIT_DETAILS, AUDIT_NOW, type AuditNow } from '../audit/request-audit';
import { TenantDb } from '../database/tenant-db.service';
import { isUuid } from '../database/uuid';
import { type PropertyAccess } from './tenant-context';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const OWN_TRANSACTIONS = 'butler:own-transactions';
/**
 * For long property writes (bulk imports) that commit in batches, and for event streams: the
 * handler opens its own property transactions (TenantDb.run per batch) instead of running inside
 * one request transaction; for writes the audit row is written in a transaction of its own when
 * the handler ends, with the outcome.
 */
export const OwnTransactions = () => SetMetadata(OWN_TRANSACTIONS, true);

/**
 * For property-scoped routes: runs the handler inside one property transaction and, for writes,
 * appends the audit row to that same transaction, so a write and its audit entry commit together.
 */
@Injectable()
export class PropertyRequestInterceptor implements NestInterceptor {
  constructor(
    private readonly db: TenantDb,
    private readonly cls: ClsService,
    private readonly audit: AuditRecorder,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const access = this.cls.isActive() ? this.cls.get<PropertyAccess | undefined>('access') : undefined;
    if (!access) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const meta = this.reflector.get<AuditedMeta | undefined>(AUDITED, context.getHandler());
    const scope = { propertyId: access.propertyId, userId: access.userId };
    const audit = async (result: unknown, outcome?: Record<string, unknown>) => {
      if (!WRITE_METHODS.has(request.method)) return;
      const params = (request.params ?? {}) as Record<string, string>;
      const resultId = (result as { id?: unknown } | undefined)?.id;
      const resourceId = meta?.resourceParam ? params[meta.resourceParam] : resultId;
      const route = request.routeOptions?.url ?? null;
      await this.audit.record({
        actorType: 'staff',
        actorId: access.userId,
        action: meta?.action ?? `${request.method} ${route ?? request.url}`,
        resourceType: meta?.resourceType ?? 'unknown',
        resourceId: isUuid(resourceId) ? resourceId : null,
        details: {
          method: request.method,
          route,
          ...outcome,
          ...this.cls.get<object | undefined>(AUDIT_DETAILS),
        },
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
        correlationId: String(request.id),
      });
    };
    if (this.reflector.get<boolean | undefined>(OWN_TRANSACTIONS, context.getHandler())) {
      // Reads (event streams among them) pass through untouched: nothing to audit, no transaction.
      if (!WRITE_METHODS.has(request.method)) return next.handle();
      return from(this.runOwnTransactions(next, scope, audit));
    }
    return from(
      this.db.run(scope, async () => {
        const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await audit(result);
        return result;
      }),
    );
  }

  /** Runs the handler outside a request transaction; audits success or failure afterwards. */
  private async runOwnTransactions(
    next: CallHandler,
    scope: { propertyId: string; userId: string },
    audit: (result: unknown, outcome?: Record<string, unknown>) => Promise<void>,
  ): Promise<unknown> {
    const record = (result: unknown, outcome: Record<string, unknown>) =>
      this.db.run(scope, () => audit(result, outcome));
    // A handler may write the audit row itself, in the transaction of its write (RequestAudit.recordNow).
    const now: AuditNow = { record: (result) => audit(result, { outcome: 'completed' }), done: false };
    this.cls.set(AUDIT_NOW, now);
    try {
      const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      if (!now.done) await record(result, { outcome: 'completed' });
      return result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      await record(undefined, { outcome: 'failed', code: typeof code === 'string' ? code : null }).catch(
        () => undefined, // the original error matters more (e.g. the database is down)
      );
      throw err;
    }
  }
}
