import { rowsOf } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

export interface GroupEntryRow {
  id: string;
  organization_id: string;
  fields: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * knowledge.group_entries, isolated by organization: every method runs in the caller's
 * transaction after `scope`, which sets the transaction-local organization its policy reads.
 */
@Injectable()
export class GroupEntriesRepository {
  async scope(tx: EntityManager, organizationId: string): Promise<void> {
    await tx.query(`select set_config('app.organization_id', $1, true)`, [organizationId]);
  }

  async insert(
    tx: EntityManager,
    organizationId: string,
    fields: object,
    actorId: string,
  ): Promise<GroupEntryRow> {
    const rows = await rowsOf<GroupEntryRow>(
      tx.query(
        `insert into knowledge.group_entries (organization_id, fields, created_by, updated_by)
         values ($1, $2, $3, $3) returning *`,
        [organizationId, JSON.stringify(fields), actorId],
      ),
    );
    return rows[0];
  }

  async find(tx: EntityManager, organizationId: string, id: string, forUpdate = false) {
    const rows = await rowsOf<GroupEntryRow>(
      tx.query(
        `select * from knowledge.group_entries where organization_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [organizationId, id],
      ),
    );
    return rows[0];
  }

  list(tx: EntityManager, organizationId: string): Promise<GroupEntryRow[]> {
    return rowsOf<GroupEntryRow>(
      tx.query('select * from knowledge.group_entries where organization_id = $1 order by created_at, id', [
        organizationId,
      ]),
    );
  }

  async update(tx: EntityManager, organizationId: string, id: string, fields: object, actorId: string) {
    const rows = await rowsOf<GroupEntryRow>(
      tx.query(
        `update knowledge.group_entries set fields = $3, version = version + 1, updated_by = $4
          where organization_id = $1 and id = $2 returning *`,
        [organizationId, id, JSON.stringify(fields), actorId],
      ),
    );
    return rows[0];
  }

  async remove(tx: EntityManager, organizationId: string, id: string): Promise<void> {
    await tx.query('delete from knowledge.group_entries where organization_id = $1 and id = $2', [
      organizationId,
      id,
    ]);
  }
}
