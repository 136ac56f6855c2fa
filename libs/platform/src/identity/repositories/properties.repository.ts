import { Injectable } from '@nestjs/common';

import { PlatformDb } from '../../database/platform-db.service';
import { rowsOf, type SqlRunner } from '../../database/sql-runner';

export interface PropertyRow {
  id: string;
  organization_id: string;
  name: string;
  code: string;
  timezone: string;
  settings: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
}

/**
 * A deep copy of a value parsed from JSON (a jsonb column): objects, arrays and scalars only. A
 * sixth of what structuredClone costs on a property's settings, read several times per message.
 */
function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}

@Injectable()
export class PropertiesRepository {
  constructor(private readonly db: PlatformDb) {}

  async insertOrganization(tx: SqlRunner, name: string): Promise<OrganizationRow> {
    const rows = await rowsOf<OrganizationRow>(
      tx.query('insert into platform.organizations (name) values ($1) returning id, name, created_at', [
        name,
      ]),
    );
    return rows[0];
  }

  async findOrganization(id: string): Promise<OrganizationRow | undefined> {
    const rows = await this.db.query<OrganizationRow>(
      'select id, name, created_at from platform.organizations where id = $1',
      [id],
    );
    return rows[0];
  }

  async insert(
    tx: SqlRunner,
    p: { organizationId: string; name: string; code: string; timezone: string; settings: object },
  ): Promise<PropertyRow> {
    const rows = await rowsOf<PropertyRow>(
      tx.query(
        `insert into platform.properties (organization_id, name, code, timezone, settings)
       values ($1, $2, $3, $4, $5) returning *`,
        [p.organizationId, p.name, p.code, p.timezone, JSON.stringify(p.settings)],
      ),
    );
    return rows[0];
  }

  /** Every property id, for cross-property work that fans out one job per property. */
  async listIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>('select id from platform.properties order by id');
    return rows.map((r) => r.id);
  }

  /** The property ids of one organization (organization-wide work). */
  async listIdsOfOrganization(organizationId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      'select id from platform.properties where organization_id = $1 order by id',
      [organizationId],
    );
    return rows.map((r) => r.id);
  }

  /** Read once per property transaction (see PlatformDb.memo); a copy, so callers cannot change the kept row. */
  async findById(id: string): Promise<PropertyRow | undefined> {
    const row = await this.db.memo(`property:${id}`, async () => {
      const rows = await this.db.query<PropertyRow>('select * from platform.properties where id = $1', [id]);
      return rows[0];
    });
    return row && { ...row, settings: copyJson(row.settings) };
  }

  /** By the property's public code (webhook URLs name properties by code). */
  async findByCode(code: string): Promise<PropertyRow | undefined> {
    const rows = await this.db.query<PropertyRow>('select * from platform.properties where code = $1', [
      code,
    ]);
    return rows[0];
  }

  async update(
    id: string,
    patch: { name?: string; timezone?: string; settings?: object },
  ): Promise<PropertyRow> {
    this.db.forget(`property:${id}`);
    const rows = await this.db.query<PropertyRow>(
      `update platform.properties
          set name = coalesce($2, name), timezone = coalesce($3, timezone), settings = coalesce($4::jsonb, settings)
        where id = $1 returning *`,
      [
        id,
        patch.name ?? null,
        patch.timezone ?? null,
        patch.settings ? JSON.stringify(patch.settings) : null,
      ],
    );
    return rows[0];
  }

  /** Properties the user can reach: every property of orgs where they are owner/admin, plus their own. */
  async listAccessible(userId: string): Promise<(PropertyRow & { roles: string[] })[]> {
    return this.db.query(
      `select p.*, array_agg(distinct m.role order by m.role) as roles
         from platform.properties p
         join platform.memberships m
           on m.organization_id = p.organization_id and m.is_active
          and (m.property_id is null or m.property_id = p.id)
        where m.user_id = $1
        group by p.id
        order by p.name, p.id`,
      [userId],
    );
  }
}
