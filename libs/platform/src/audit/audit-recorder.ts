import { type EntityManager } from 'typeorm';

export type ActorType = 'staff' | 'system' | 'guest';

export interface AuditEntry {
  actorType: ActorType;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
  correlationId?: string | null;
}

/**
 * Port for the compliance context's audit log. Platform code records through it; the compliance
 * module provides the implementation (so platform never imports a context).
 */
export abstract class AuditRecorder {
  /** Records in the current property transaction (the one TenantDb.run opened). */
  abstract record(entry: AuditEntry, manager?: EntityManager): Promise<void>;

  /** Records one row in each listed property, each in its own property transaction. */
  abstract recordInProperties(propertyIds: string[], entry: AuditEntry): Promise<void>;
}
