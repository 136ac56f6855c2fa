import { decodeCursor, isUuid, keysetPage, type PropertyAccess } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type AuditLogPageDto, type AuditLogQueryDto } from '../dtos/audit-log.dto';
import { AuditLogRepository } from '../repositories/audit-log.repository';

@Injectable()
export class AuditLogService {
  constructor(private readonly repository: AuditLogRepository) {}

  async list(access: PropertyAccess, query: AuditLogQueryDto): Promise<AuditLogPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.repository.list(access.propertyId, {
      actorType: query.actorType,
      actorId: query.actorId,
      action: query.action,
      resourceType: query.resourceType,
      resourceId: query.resourceId,
      from: query.from,
      to: query.to,
      before: query.cursor ? timeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(
      rows,
      limit,
      (r) => ({
        id: r.id,
        actorType: r.actor_type,
        actorId: r.actor_id,
        action: r.action,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        details: r.details,
        ipAddress: r.ip_address,
        userAgent: r.user_agent,
        correlationId: r.correlation_id,
        createdAt: new Date(r.created_at).toISOString(),
      }),
      (r) => [r.cursor_at, r.id],
    );
  }
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Cursor of the (created_at with microseconds, id) order. */
function timeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeCursor(
    cursor,
    (k): k is [string, string] =>
      k.length === 2 && typeof k[0] === 'string' && CURSOR_TIME.test(k[0]) && isUuid(k[1]),
  );
  return { createdAt, id };
}
