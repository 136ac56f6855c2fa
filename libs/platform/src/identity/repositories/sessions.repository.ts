import { Injectable } from '@nestjs/common';

import { PlatformDb } from '../../database/platform-db.service';
import { affectedOf, rowsOf, type SqlRunner } from '../../database/sql-runner';

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: Buffer;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/** Refresh-token families: one family per login, one live token per family. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: PlatformDb) {}

  /** Stores a token (and starts a family when familyId is null); returns the token and family ids. */
  async insert(
    tx: SqlRunner,
    token: {
      familyId: string | null;
      userId: string;
      hash: Buffer;
      ttlDays: number;
      ip: string | null;
      userAgent: string | null;
    },
  ): Promise<{ id: string; family_id: string }> {
    const rows = await rowsOf<{ id: string; family_id: string }>(
      tx.query(
        `insert into platform.refresh_tokens (family_id, user_id, token_hash, expires_at, created_ip, user_agent)
         values (coalesce($1::uuid, platform.uuid_v7()), $2, $3, now() + make_interval(days => $4), $5::inet, $6)
         returning id, family_id`,
        [token.familyId, token.userId, token.hash, token.ttlDays, token.ip, token.userAgent],
      ),
    );
    return rows[0];
  }

  /** Locks the token row for the rotation transaction. */
  async lock(tx: SqlRunner, id: string): Promise<RefreshTokenRow | undefined> {
    const rows = await rowsOf<RefreshTokenRow>(
      tx.query('select * from platform.refresh_tokens where id = $1 for update', [id]),
    );
    return rows[0];
  }

  async markRotated(tx: SqlRunner, id: string): Promise<void> {
    await tx.query('update platform.refresh_tokens set rotated_at = now() where id = $1', [id]);
  }

  async revokeFamily(familyId: string, reason: string, tx?: SqlRunner): Promise<number> {
    return this.execute(
      `update platform.refresh_tokens set revoked_at = now(), revoked_reason = $2
          where family_id = $1 and revoked_at is null`,
      [familyId, reason],
      tx,
    );
  }

  async revokeAllForUser(userId: string, reason: string, tx?: SqlRunner): Promise<number> {
    return this.execute(
      `update platform.refresh_tokens set revoked_at = now(), revoked_reason = $2
          where user_id = $1 and revoked_at is null`,
      [userId, reason],
      tx,
    );
  }

  /** Deletes tokens long expired or revoked (kept a while for reuse detection and forensics). */
  async prune(expiredForDays: number, revokedForDays: number, limit = 10000): Promise<number> {
    return this.execute(
      `delete from platform.refresh_tokens where id in (
           select id from platform.refresh_tokens
            where expires_at < now() - make_interval(days => $1)
               or revoked_at < now() - make_interval(days => $2)
            limit $3)`,
      [expiredForDays, revokedForDays, limit],
      undefined,
    );
  }

  /** An access token is honoured while its user is active and its family has a live token. */
  async isSessionLive(userId: string, familyId: string): Promise<boolean> {
    const rows = await this.db.query<{ live: boolean }>(
      `select exists (
         select 1 from platform.refresh_tokens t join platform.users u on u.id = t.user_id
          where t.family_id = $2 and t.user_id = $1 and u.is_active
            and t.revoked_at is null and t.rotated_at is null and t.expires_at > now()
       ) as live`,
      [userId, familyId],
    );
    return rows[0]?.live === true;
  }

  /** Affected-row count, on the caller's transaction when given. */
  private execute(sql: string, params: unknown[], tx?: SqlRunner): Promise<number> {
    return tx ? affectedOf(tx.query(sql, params)) : this.db.execute(sql, params);
  }
}
