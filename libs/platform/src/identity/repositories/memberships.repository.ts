import { Injectable } from '@nestjs/common';

import { PlatformDb } from '../../database/platform-db.service';
import { rowsOf, type SqlRunner } from '../../database/sql-runner';
import { type Role } from '../../tenancy/tenant-context';

export interface MembershipRow {
  id: string;
  user_id: string;
  organization_id: string;
  property_id: string | null;
  role: Role;
  department: string | null;
  is_active: boolean;
}

export interface AccessRow {
  organization_id: string;
  role: Role;
  department: string | null;
}

export interface StaffRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  department: string | null;
  is_active: boolean;
  scope: 'organization' | 'property';
  created_at: Date;
}

@Injectable()
export class MembershipsRepository {
  constructor(private readonly db: PlatformDb) {}

  async insert(
    tx: SqlRunner,
    m: {
      userId: string;
      organizationId: string;
      propertyId: string | null;
      role: Role;
      department?: string | null;
    },
  ): Promise<MembershipRow> {
    const rows = await rowsOf<MembershipRow>(
      tx.query(
        `insert into platform.memberships (user_id, organization_id, property_id, role, department)
       values ($1, $2, $3, $4, $5) returning *`,
        [m.userId, m.organizationId, m.propertyId, m.role, m.department ?? null],
      ),
    );
    return rows[0];
  }

  /** The caller's active roles in one property (org-wide and property-level), for the guard. */
  async accessFor(userId: string, propertyId: string): Promise<AccessRow[]> {
    return this.db.query<AccessRow>(
      `select p.organization_id, m.role, m.department
         from platform.properties p
         join platform.memberships m
           on m.organization_id = p.organization_id and m.is_active
          and (m.property_id is null or m.property_id = p.id)
         join platform.users u on u.id = m.user_id and u.is_active
        where p.id = $1 and m.user_id = $2`,
      [propertyId, userId],
    );
  }

  /** Every membership (active or not) the user holds in any organization. */
  async allForUser(userId: string, tx?: SqlRunner): Promise<MembershipRow[]> {
    return rowsOf<MembershipRow>(
      (tx ?? this.db).query('select * from platform.memberships where user_id = $1', [userId]),
    );
  }

  async listForUser(userId: string): Promise<MembershipRow[]> {
    return this.db.query<MembershipRow>(
      'select * from platform.memberships where user_id = $1 and is_active order by created_at',
      [userId],
    );
  }

  async organizationRoles(userId: string): Promise<MembershipRow[]> {
    return this.db.query<MembershipRow>(
      `select * from platform.memberships where user_id = $1 and property_id is null and is_active`,
      [userId],
    );
  }

  async listStaff(propertyId: string): Promise<StaffRow[]> {
    return this.db.query<StaffRow>(
      `select u.id as user_id, u.email, u.name, m.role, m.department, (m.is_active and u.is_active) as is_active,
              case when m.property_id is null then 'organization' else 'property' end as scope, m.created_at
         from platform.properties p
         join platform.memberships m
           on m.organization_id = p.organization_id and (m.property_id is null or m.property_id = p.id)
         join platform.users u on u.id = m.user_id
        where p.id = $1
        order by scope, u.name, u.id`,
      [propertyId],
    );
  }

  async findPropertyMembership(
    propertyId: string,
    userId: string,
    tx?: SqlRunner,
  ): Promise<MembershipRow | undefined> {
    const rows = await rowsOf<MembershipRow>(
      (tx ?? this.db).query(
        `select * from platform.memberships where property_id = $1 and user_id = $2 for update`,
        [propertyId, userId],
      ),
    );
    return rows[0];
  }

  async update(
    tx: SqlRunner,
    id: string,
    patch: { role?: Role; department?: string | null; isActive?: boolean },
  ): Promise<MembershipRow> {
    const rows = await rowsOf<MembershipRow>(
      tx.query(
        `update platform.memberships
          set role = coalesce($2, role),
              department = case when $3::boolean then $4 else department end,
              is_active = coalesce($5, is_active)
        where id = $1 returning *`,
        [
          id,
          patch.role ?? null,
          patch.department !== undefined,
          patch.department ?? null,
          patch.isActive ?? null,
        ],
      ),
    );
    return rows[0];
  }
}
