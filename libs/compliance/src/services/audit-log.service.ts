import { isUuid, type PropertyAccess, ValidationFailedException } from '@app/platform';
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
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
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
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
    };
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      unknown,
      unknown,
    ];
    if (typeof createdAt !== 'string' || !CURSOR_TIME.test(createdAt) || !isUuid(id))
      throw new Error('bad cursor');
    return { createdAt, id };
  } catch {
    throw new ValidationFailedException([
      { field: 'cursor', code: 'invalid', message: 'cursor is not valid' },
    ]);
  }
}
