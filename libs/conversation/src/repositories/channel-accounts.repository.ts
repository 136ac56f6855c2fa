import { PlatformDb, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelKind } from '../services/channel-kinds';

export interface ChannelAccountRow {
  id: string;
  property_id: string;
  kind: ChannelKind;
  name: string;
  route_key: string;
  settings: Record<string, unknown>;
  secrets: string;
  secret_hints: Record<string, string>;
  enabled: boolean;
  status: 'configured' | 'connected' | 'error' | 'disabled';
  last_checked_at: Date | null;
  last_error: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelRoute {
  propertyId: string;
  accountId: string;
  enabled: boolean;
  /** The account's version (credentials change with it). */
  version: number;
}

export interface ChannelAccountWrite {
  name?: string;
  routeKey?: string;
  settings?: Record<string, unknown>;
  secrets?: string;
  secretHints?: Record<string, string>;
  enabled?: boolean;
}

const COLUMNS = [
  'id',
  'property_id',
  'kind',
  'name',
  'route_key',
  'settings',
  'secrets',
  'secret_hints',
  'enabled',
  'status',
  'last_checked_at',
  'last_error',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ChannelAccountRow)[];
const FIELDS = COLUMNS.join(', ');

/** An account's columns for a join (`accountColumns('a')`), each prefixed `account_`; read back with `accountOf`. */
export function accountColumns(alias: string): string {
  return COLUMNS.map((c) => `${alias}.${c} as account_${c}`).join(', ');
}

/** The account of a row joined with `accountColumns`; undefined when the join found none. */
export function accountOf(row: object): ChannelAccountRow | undefined {
  const r = row as Record<string, unknown>;
  if (r.account_id === null || r.account_id === undefined) return undefined;
  return Object.fromEntries(COLUMNS.map((c) => [c, r[`account_${c}`]])) as unknown as ChannelAccountRow;
}

/** platform.channel_accounts (tenant rows) and the routing directory a trigger keeps beside it. */
@Injectable()
export class ChannelAccountsRepository {
  constructor(
    private readonly db: TenantDb,
    private readonly platform: PlatformDb,
  ) {}

  /** Before any tenant context: which property and account a routing key belongs to. */
  async route(
    kinds: readonly ChannelKind[],
    routeKey: string,
  ): Promise<(ChannelRoute & { kind: ChannelKind }) | undefined> {
    const rows = await this.platform.query<ChannelRoute & { kind: ChannelKind }>(
      `select kind, property_id as "propertyId", account_id as "accountId", enabled, version
         from platform.channel_routes where kind = any($1::text[]) and route_key = $2`,
      [kinds, routeKey],
    );
    return rows[0];
  }

  /** Every enabled account of a kind across properties (WhatsApp's verification names no number). */
  routesOf(kind: ChannelKind): Promise<ChannelRoute[]> {
    return this.platform.query<ChannelRoute>(
      `select property_id as "propertyId", account_id as "accountId", enabled, version
         from platform.channel_routes where kind = $1 and enabled order by property_id, account_id`,
      [kind],
    );
  }

  async insert(
    propertyId: string,
    id: string,
    kind: ChannelKind,
    write: Required<Pick<ChannelAccountWrite, 'name' | 'routeKey' | 'settings' | 'secrets' | 'secretHints'>>,
    actorId: string,
  ): Promise<ChannelAccountRow> {
    const rows = await rowsOf<ChannelAccountRow>(
      this.db.manager.query(
        `insert into platform.channel_accounts
           (id, property_id, kind, name, route_key, settings, secrets, secret_hints, created_by, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning ${FIELDS}`,
        [
          id,
          propertyId,
          kind,
          write.name,
          write.routeKey,
          write.settings,
          write.secrets,
          write.secretHints,
          actorId,
        ],
      ),
    );
    return rows[0];
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<ChannelAccountRow | undefined> {
    const rows = await rowsOf<ChannelAccountRow>(
      this.db.manager.query(
        `select ${FIELDS} from platform.channel_accounts where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  list(propertyId: string): Promise<ChannelAccountRow[]> {
    return rowsOf<ChannelAccountRow>(
      this.db.manager.query(
        `select ${FIELDS} from platform.channel_accounts where property_id = $1 order by created_at, id`,
        [propertyId],
      ),
    );
  }

  async update(
    propertyId: string,
    id: string,
    write: ChannelAccountWrite,
    actorId: string,
  ): Promise<ChannelAccountRow> {
    const rows = await rowsOf<ChannelAccountRow>(
      this.db.manager.query(
        `update platform.channel_accounts
            set name = coalesce($3, name), route_key = coalesce($4, route_key), settings = coalesce($5, settings),
                secrets = coalesce($6, secrets), secret_hints = coalesce($7, secret_hints),
                enabled = coalesce($8, enabled),
                status = case when $8::boolean is false then 'disabled'
                              when $8::boolean is true and status = 'disabled' then 'configured' else status end,
                version = version + 1, updated_by = $9
          where property_id = $1 and id = $2 returning ${FIELDS}`,
        [
          propertyId,
          id,
          write.name ?? null,
          write.routeKey ?? null,
          write.settings ?? null,
          write.secrets ?? null,
          write.secretHints ?? null,
          write.enabled ?? null,
          actorId,
        ],
      ),
    );
    return rows[0];
  }

  async recordCheck(propertyId: string, id: string, error: string | null): Promise<ChannelAccountRow> {
    const rows = await rowsOf<ChannelAccountRow>(
      this.db.manager.query(
        `update platform.channel_accounts
            set last_checked_at = now(), last_error = $3,
                status = case when not enabled then 'disabled' when $3::text is null then 'connected' else 'error' end
          where property_id = $1 and id = $2 returning ${FIELDS}`,
        [propertyId, id, error],
      ),
    );
    return rows[0];
  }

  async remove(propertyId: string, id: string): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        'delete from platform.channel_accounts where property_id = $1 and id = $2 returning id',
        [propertyId, id],
      ),
    );
    return rows.length === 1;
  }
}
