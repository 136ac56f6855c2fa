import { createHash, randomBytes } from 'node:crypto';

import { GuestDirectory } from '@app/guest';
import { OutboxService, PlatformDb, RedisService, rowsOf, TenantDb, uuidv7 } from '@app/platform';
import { StayLookup } from '@app/reservation';
import { Injectable, type MessageEvent } from '@nestjs/common';
import { type Observable } from 'rxjs';

import {
  ChannelNotFoundException,
  OriginNotAllowedException,
  WebchatRateLimitedException,
  WebchatSessionInvalidException,
} from '../exceptions/conversation.exceptions';
import { ChannelAccountsRepository } from '../repositories/channel-accounts.repository';
import { ConversationsRepository } from '../repositories/conversations.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { RealtimeService } from './realtime.service';

const SESSION_HOURS = 24;
const MESSAGES_PER_MINUTE = 10;

export interface WebchatSession {
  propertyId: string;
  sessionId: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest();

/**
 * The hotel's web chat: a widget key and an allowed origin open a session (a bearer token, kept
 * as a hash); the visitor's messages land in the session's conversation; replies and typing state
 * stream back as server-sent events.
 */
@Injectable()
export class WebchatService {
  constructor(
    private readonly db: TenantDb,
    private readonly platformDb: PlatformDb,
    private readonly redis: RedisService,
    private readonly accounts: ChannelAccountsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly guests: GuestDirectory,
    private readonly stays: StayLookup,
    private readonly realtime: RealtimeService,
    private readonly outbox: OutboxService,
  ) {}

  async openSession(
    widgetKey: string,
    origin: string | undefined,
  ): Promise<{ token: string; sessionId: string; expiresAt: string }> {
    const route = await this.accounts.route(['webchat'], widgetKey);
    if (!route || !route.enabled) throw new ChannelNotFoundException();
    const token = `wcs_${randomBytes(32).toString('base64url')}`;
    const sessionId = uuidv7();
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await this.db.run({ propertyId: route.propertyId }, async () => {
      const account = await this.channels.require(route.propertyId, route.accountId);
      const allowed = Array.isArray(account.settings.allowedOrigins)
        ? (account.settings.allowedOrigins as string[])
        : [];
      if (!origin || !allowed.includes(origin)) throw new OriginNotAllowedException();
      const { guestId } = await this.guests.createAnonymous();
      const conversation = await this.conversations.insert(route.propertyId, {
        guestId,
        reservationId: await this.stays.currentOrNextReservationId(guestId),
        accountId: account.id,
        channelType: 'webchat',
        channelId: sessionId,
      });
      await this.db.manager.query(
        `insert into conversation.webchat_sessions (id, property_id, channel_account_id, conversation_id, token_hash, origin, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [sessionId, route.propertyId, account.id, conversation.id, hash(token), origin, expiresAt],
      );
      await this.db.manager.query(
        'insert into platform.webchat_tokens (token_hash, property_id, session_id, expires_at) values ($1, $2, $3, $4)',
        [hash(token), route.propertyId, sessionId, expiresAt],
      );
      await this.outbox.publishEvent('conversation.created', { conversationId: conversation.id, guestId });
    });
    return { token, sessionId, expiresAt: expiresAt.toISOString() };
  }

  /** The session a bearer token opens, or 401. */
  async session(token: string | undefined): Promise<WebchatSession> {
    if (!token) throw new WebchatSessionInvalidException();
    const rows = await this.platformDb.query<{ property_id: string; session_id: string }>(
      'select property_id, session_id from platform.webchat_tokens where token_hash = $1 and expires_at > now()',
      [hash(token)],
    );
    if (!rows[0]) throw new WebchatSessionInvalidException();
    return { propertyId: rows[0].property_id, sessionId: rows[0].session_id };
  }

  async post(session: WebchatSession, content: string): Promise<{ id: string }> {
    await this.limit(session.sessionId);
    return this.db.run({ propertyId: session.propertyId }, async () => {
      const rows = await rowsOf<{ conversation_id: string; channel_account_id: string }>(
        this.db.manager.query(
          'select conversation_id, channel_account_id from conversation.webchat_sessions where property_id = $1 and id = $2',
          [session.propertyId, session.sessionId],
        ),
      );
      const { conversation_id: conversationId, channel_account_id: accountId } = rows[0];
      const id = await this.messages.insertInbound(session.propertyId, accountId, {
        channelMessageId: uuidv7(),
        from: session.sessionId,
        content,
        contentType: 'text',
        media: [],
      });
      await this.messages.attach(session.propertyId, id!, conversationId);
      await this.conversations.touchInbound(session.propertyId, conversationId, new Date());
      await this.outbox.publishEvent('message.created', { conversationId, messageId: id! });
      return { id: id! };
    });
  }

  events(session: WebchatSession): Observable<MessageEvent> {
    return this.realtime.stream(`webchat:${session.sessionId}`);
  }

  /** At most MESSAGES_PER_MINUTE per session and minute (Redis, shared by all replicas). */
  private async limit(sessionId: string): Promise<void> {
    const key = this.redis.key('webchat-rate', sessionId, String(Math.floor(Date.now() / 60_000)));
    const count = await this.redis.client.multi().incr(key).expire(key, 120).exec();
    const n = Number(count?.[0]?.[1] ?? 0);
    if (n > MESSAGES_PER_MINUTE)
      throw new WebchatRateLimitedException(60 - Math.floor((Date.now() / 1000) % 60));
  }
}
