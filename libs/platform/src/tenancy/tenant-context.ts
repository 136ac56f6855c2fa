import { type ClsStore } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';

export const ORGANIZATION_ROLES = ['owner', 'admin'] as const;
export const PROPERTY_ROLES = ['manager', 'front_desk', 'concierge', 'housekeeping', 'maintenance'] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];
export type PropertyRole = (typeof PROPERTY_ROLES)[number];
export type Role = OrganizationRole | PropertyRole;

/** The authenticated caller, from a verified access token. */
export interface Principal {
  userId: string;
  sessionId: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
}

/** The caller's standing in the property of the current request (set by PropertyAccessGuard). */
export interface PropertyAccess {
  userId: string;
  propertyId: string;
  organizationId: string;
  roles: Role[];
  department: string | null;
}

export interface TenantTransaction {
  propertyId: string;
  userId: string | null;
  manager: EntityManager;
  /** Steps to run at the end of the transaction's work, before it commits. */
  beforeCommit: (() => Promise<void>)[];
  /**
   * Best-effort steps to run once it has committed; absent where the caller commits (TenantDb.within).
   */
  afterCommit?: (() => Promise<void>)[];
  /**
   * Statements the work did not wait for (TenantDb.trailing), checked with the COMMIT sent behind
   * them; absent where the caller commits (TenantDb.within).
   */
  trailing?: Promise<unknown>[];
  /** Directory rows read once per transaction (PlatformDb.memo). */
  memo: Map<string, unknown>;
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
}

export interface ButlerClsStore extends ClsStore {
  principal?: Principal;
  access?: PropertyAccess;
  tenantTx?: TenantTransaction;
  request?: RequestInfo;
}
