import { PlatformDb, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface WebchatSessionRow {
  id: string;
  channel_account_id: string;
  conversation_id: string;
}

/** conversation.webchat_sessions, and the token directory looked up before a tenant context. */
@Injectable()
export class WebchatSessionsRepository {
  constructor(
    private readonly db: TenantDb,
    private readonly platform: PlatformDb,
  ) {}

  async insert(
    propertyId: string,
    s: {
      id: string;
      accountId: string;
      conversationId: string;
      tokenHash: Buffer;
      origin: string;
      expiresAt: Date;
    },
  ): Promise<void> {
    await this.db.manager.query(
      `insert into conversation.webchat_sessions (id, property_id, channel_account_id, conversation_id, token_hash,
              origin, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, propertyId, s.accountId, s.conversationId, s.tokenHash, s.origin, s.expiresAt],
    );
    await this.db.manager.query(
      'insert into platform.webchat_tokens (token_hash, property_id, session_id, expires_at) values ($1, $2, $3, $4)',
      [s.tokenHash, propertyId, s.id, s.expiresAt],
    );
  }

  async byToken(tokenHash: Buffer): Promise<{ propertyId: string; sessionId: string } | undefined> {
    const rows = await this.platform.query<{ propertyId: string; sessionId: string }>(
      `select property_id as "propertyId", session_id as "sessionId" from platform.webchat_tokens
        where token_hash = $1 and expires_at > now()`,
      [tokenHash],
    );
    return rows[0];
  }

  /** Drops tokens expired more than a day ago from the directory (every property's). */
  async pruneTokens(): Promise<number> {
    const rows = await this.platform.query<{ pruned: number }>(
      'select platform.prune_webchat_tokens() as pruned',
    );
    return rows[0]?.pruned ?? 0;
  }

  async find(propertyId: string, id: string): Promise<WebchatSessionRow | undefined> {
    const rows = await rowsOf<WebchatSessionRow>(
      this.db.manager.query(
        `select id, channel_account_id, conversation_id from conversation.webchat_sessions
          where property_id = $1 and id = $2 for update`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  async moveTo(propertyId: string, id: string, conversationId: string): Promise<void> {
    await this.db.manager.query(
      'update conversation.webchat_sessions set conversation_id = $3 where property_id = $1 and id = $2',
      [propertyId, id, conversationId],
    );
  }
}
