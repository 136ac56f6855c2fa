import { type Role } from '../tenancy/tenant-context';

/** What a route may require. Roles grant permissions through ROLE_PERMISSIONS only. */
export enum Permission {
  PropertyRead = 'property:read',
  PropertyUpdate = 'property:update',
  PropertySettingsUpdate = 'property:settings:update',
  StaffRead = 'staff:read',
  StaffWrite = 'staff:write',
  AuditRead = 'audit:read',
  GuestRead = 'guest:read',
  GuestWrite = 'guest:write',
  ReservationRead = 'reservation:read',
  ReservationWrite = 'reservation:write',
  /** See and create tasks for any department, assign, edit and cancel them. */
  TaskManage = 'task:manage',
  /** See and work the tasks of one's own department (claim, start, complete). */
  TaskWork = 'task:work',
  /** Bulk-import guests and reservations from a PMS export. */
  PmsImport = 'pms:import',
  /** Manage integration credentials (the PMS webhook secret, channel accounts). */
  IntegrationManage = 'integration:manage',
  /** Read the guest conversations inbox. */
  ConversationRead = 'conversation:read',
  /** Reply, write notes, assign, escalate, resolve. */
  ConversationWrite = 'conversation:write',
  /** Read the hotel's knowledge base, staff-only entries included. */
  KnowledgeRead = 'knowledge:read',
  /** Write, import, restore and delete knowledge entries. */
  KnowledgeWrite = 'knowledge:write',
  /** Change the AI policy: autonomy, escalation rules, wording. */
  AiPolicyManage = 'ai-policy:manage',
  /** Approve or reject what the AI proposes (the approval queue). */
  ApprovalDecide = 'approval:decide',
  /** Read operational analytics (the concierge's automation, escalations, response times). */
  AnalyticsRead = 'analytics:read',
}

const ALL = Object.values(Permission);

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ALL,
  admin: ALL,
  manager: [
    Permission.PropertyRead,
    Permission.PropertySettingsUpdate,
    Permission.StaffRead,
    Permission.StaffWrite,
    Permission.AuditRead,
    Permission.GuestRead,
    Permission.GuestWrite,
    Permission.ReservationRead,
    Permission.ReservationWrite,
    Permission.TaskManage,
    Permission.TaskWork,
    Permission.PmsImport,
    Permission.ConversationRead,
    Permission.ConversationWrite,
    Permission.KnowledgeRead,
    Permission.KnowledgeWrite,
    Permission.AiPolicyManage,
    Permission.ApprovalDecide,
    Permission.AnalyticsRead,
  ],
  front_desk: [
    Permission.PropertyRead,
    Permission.GuestRead,
    Permission.GuestWrite,
    Permission.ReservationRead,
    Permission.ReservationWrite,
    Permission.TaskManage,
    Permission.TaskWork,
    Permission.ConversationRead,
    Permission.ConversationWrite,
    Permission.KnowledgeRead,
    Permission.ApprovalDecide,
  ],
  concierge: [
    Permission.PropertyRead,
    Permission.GuestRead,
    Permission.GuestWrite,
    Permission.ReservationRead,
    Permission.TaskManage,
    Permission.TaskWork,
    Permission.ConversationRead,
    Permission.ConversationWrite,
    // The concierge curates what the hotel knows (local tips, services, opening hours).
    Permission.KnowledgeRead,
    Permission.KnowledgeWrite,
    Permission.ApprovalDecide,
  ],
  // Housekeeping plans rooms from arrivals and departures; department staff work their queue.
  // Department staff read the SOPs and answers too.
  housekeeping: [
    Permission.PropertyRead,
    Permission.ReservationRead,
    Permission.TaskWork,
    Permission.KnowledgeRead,
  ],
  maintenance: [Permission.PropertyRead, Permission.TaskWork, Permission.KnowledgeRead],
};

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}
