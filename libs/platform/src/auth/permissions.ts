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
  ],
  front_desk: [
    Permission.PropertyRead,
    Permission.GuestRead,
    Permission.GuestWrite,
    Permission.ReservationRead,
    Permission.ReservationWrite,
  ],
  concierge: [
    Permission.PropertyRead,
    Permission.GuestRead,
    Permission.GuestWrite,
    Permission.ReservationRead,
  ],
  // Housekeeping plans rooms from arrivals and departures.
  housekeeping: [Permission.PropertyRead, Permission.ReservationRead],
  maintenance: [Permission.PropertyRead],
};

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}
