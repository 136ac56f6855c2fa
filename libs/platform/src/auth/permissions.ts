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
  ],
  // Housekeeping plans rooms from arrivals and departures; department staff work their queue.
  housekeeping: [Permission.PropertyRead, Permission.ReservationRead, Permission.TaskWork],
  maintenance: [Permission.PropertyRead, Permission.TaskWork],
};

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}
