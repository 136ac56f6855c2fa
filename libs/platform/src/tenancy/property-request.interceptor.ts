import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { from, lastValueFrom, type Observable } from 'rxjs';

import { AuditRecorder } from '../audit/audit-recorder';
import { AUDITED, type AuditedMeta } from '../audit/audited.decorator';
import { TenantDb } from '../database/tenant-db.service';
import { isUuid } from '../database/uuid';
import { type PropertyAccess } from './tenant-context';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

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
    return from(
      this.db.run({ propertyId: access.propertyId, userId: access.userId }, async () => {
        const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (WRITE_METHODS.has(request.method)) {
          const params = (request.params ?? {}) as Record<string, string>;
          const resultId = (result as { id?: unknown } | undefined)?.id;
          const resourceId = meta?.resourceParam ? params[meta.resourceParam] : resultId;
          await this.audit.record({
            actorType: 'staff',
            actorId: access.userId,
            action: meta?.action ?? `${request.method} ${request.routeOptions?.url ?? request.url}`,
            resourceType: meta?.resourceType ?? 'unknown',
            resourceId: isUuid(resourceId) ? resourceId : null,
            details: { method: request.method, route: request.routeOptions?.url ?? null },
            ip: request.ip ?? null,
            userAgent: request.headers['user-agent'] ?? null,
            correlationId: String(request.id),
          });
        }
        return result;
      }),
    );
  }
}
