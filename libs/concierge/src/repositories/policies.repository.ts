import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type AiPolicy } from '../services/ai-policy';

export interface PolicyRow {
  settings: Partial<AiPolicy>;
  version: number;
  updated_by: string | null;
  updated_at: Date;
}

/** concierge.policies: one row per property that saved a policy. */
@Injectable()
export class PoliciesRepository {
  constructor(private readonly db: TenantDb) {}

  async find(propertyId: string, forUpdate = false): Promise<PolicyRow | undefined> {
    const rows = await rowsOf<PolicyRow>(
      this.db.manager.query(
        `select settings, version, updated_by, updated_at from concierge.policies
          where property_id = $1${forUpdate ? ' for update' : ''}`,
        [propertyId],
      ),
    );
    return rows[0];
  }

  /** Saves the whole policy; the version moves by one. */
  async save(propertyId: string, settings: AiPolicy, actorId: string): Promise<PolicyRow> {
    const rows = await rowsOf<PolicyRow>(
      this.db.manager.query(
        `insert into concierge.policies (property_id, settings, updated_by) values ($1, $2, $3)
         on conflict (property_id) do update
           set settings = excluded.settings, updated_by = excluded.updated_by,
               version = concierge.policies.version + 1
         returning settings, version, updated_by, updated_at`,
        [propertyId, JSON.stringify(settings), actorId],
      ),
    );
    return rows[0];
  }
}
