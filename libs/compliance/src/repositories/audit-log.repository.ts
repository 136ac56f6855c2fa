import { type AuditEntry, cursorKeyUtc, PlatformDb, SqlFilter, TenantDb } from '@app/platform';
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
    const q = new SqlFilter().where('property_id = ?', propertyId);
    if (f.actorType) q.where('actor_type = ?', f.actorType);
    if (f.actorId) q.where('actor_id = ?', f.actorId);
    if (f.action) q.where('action = ?', f.action);
    if (f.resourceType) q.where('resource_type = ?', f.resourceType);
    if (f.resourceId) q.where('resource_id = ?', f.resourceId);
    if (f.from) q.where('created_at >= ?::timestamptz', f.from);
    if (f.to) q.where('created_at < ?::timestamptz', f.to);
    if (f.before) q.where('(created_at, id) < (?::timestamptz, ?::uuid)', f.before.createdAt, f.before.id);
    return this.db.manager.query(
      `select id, actor_type, actor_id, action, resource_type, resource_id, details, host(ip_address) as ip_address,
              user_agent, correlation_id, created_at,
              ${cursorKeyUtc('created_at', 'cursor_at')}
         from compliance.audit_log
        where ${q.sql}
        order by created_at desc, id desc
        limit ${q.param(f.limit)}`,
      q.params,
    );
  }
}
