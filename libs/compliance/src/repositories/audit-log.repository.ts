import { type AuditEntry, PlatformDb, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

export interface AuditLogRow {
  id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: Record<string, unknown> | null;
  ip_address: string | null;
  user_agent: string | null;
  correlation_id: string | null;
  created_at: Date;
  /** created_at with its microseconds, for an exact keyset cursor (a JS Date keeps milliseconds). */
  cursor_at: string;
}

export interface AuditLogFilter {
  actorType?: string;
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  /** ISO 8601, compared in PostgreSQL so microseconds count. */
  from?: string;
  to?: string;
  before?: { createdAt: string; id: string };
  limit: number;
}

@Injectable()
export class AuditLogRepository {
  constructor(
    private readonly db: TenantDb,
    private readonly platformDb: PlatformDb,
  ) {}

  /** Creates missing monthly partitions (a SECURITY DEFINER function; platform-wide). */
  async ensurePartitions(monthsAhead: number): Promise<number> {
    const rows = await this.platformDb.query<{ created: number }>(
      'select compliance.ensure_audit_log_partitions($1) as created',
      [monthsAhead],
    );
    return rows[0].created;
  }

  async insert(entry: AuditEntry, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `insert into compliance.audit_log
         (property_id, actor_type, actor_id, action, resource_type, resource_id, details, ip_address, user_agent, correlation_id)
       values (platform.current_property_id(), $1, $2, $3, $4, $5, $6, $7::inet, $8, $9)`,
      [
        entry.actorType,
        entry.actorId,
        entry.action,
        entry.resourceType,
        entry.resourceId ?? null,
        entry.details ? JSON.stringify(entry.details) : null,
        entry.ip ?? null,
        entry.userAgent ?? null,
        entry.correlationId ?? null,
      ],
    );
  }

  /** Newest first; keyset pagination on (created_at, id). */
  async list(propertyId: string, f: AuditLogFilter): Promise<AuditLogRow[]> {
    const where = ['property_id = $1'];
    const params: unknown[] = [propertyId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actorType) add('actor_type = ?', f.actorType);
    if (f.actorId) add('actor_id = ?', f.actorId);
    if (f.action) add('action = ?', f.action);
    if (f.resourceType) add('resource_type = ?', f.resourceType);
    if (f.resourceId) add('resource_id = ?', f.resourceId);
    if (f.from) add('created_at >= ?::timestamptz', f.from);
    if (f.to) add('created_at < ?::timestamptz', f.to);
    if (f.before) {
      params.push(f.before.createdAt, f.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return this.db.manager.query(
      `select id, actor_type, actor_id, action, resource_type, resource_id, details, host(ip_address) as ip_address,
              user_agent, correlation_id, created_at,
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
         from compliance.audit_log
        where ${where.join(' and ')}
        order by created_at desc, id desc
        limit $${params.length}`,
      params,
    );
  }
}
