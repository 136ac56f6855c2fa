import { createHash, randomBytes } from 'node:crypto';

import { GuestDirectory } from '@app/guest';
import {
  AppException,
  DependencyUnavailableException,
  JobName,
  OutboxService,
  RedisService,
  TenantDb,
  uuidv7,
} from '@app/platform';
import { StayLookup } from '@app/reservation';
import { Injectable, type MessageEvent } from '@nestjs/common';
import { type Observable } from 'rxjs';

import { type WebchatSessionDto } from '../dtos/webchat.dto';
import {
  ChannelNotFoundException,
  OriginNotAllowedException,
  WebchatRateLimitedException,
  WebchatSessionInvalidException,
} from '../exceptions/conversation.exceptions';
import {
  type ChannelAccountRow,
  ChannelAccountsRepository,
} from '../repositories/channel-accounts.repository';
import { ConversationsRepository } from '../repositories/conversations.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { WebchatSessionsRepository } from '../repositories/webchat-sessions.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { RealtimeService } from './realtime.service';

const SESSION_HOURS = 24;
const MESSAGES_PER_MINUTE = 10;
/** Sessions a client address may open per widget and minute (each makes a guest and a conversation). */
const SESSIONS_PER_MINUTE = 20;
/** Typing notices of one session closer together than this are dropped. */
const TYPING_COALESCE_MS = 3000;

export interface WebchatSession {
  propertyId: string;
  sessionId: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest();

/**
 * The hotel's web chat: a widget key and an allowed origin open a session (a bearer token, kept
 * as a hash); the visitor's messages land in the session's conversation (a new one when the last
 * was closed); replies stream back as server-sent events.
 */
@Injectable()
export class WebchatService {
  constructor(
    private readonly db: TenantDb,
    private readonly redis: RedisService,
    private readonly accounts: ChannelAccountsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly sessions: WebchatSessionsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly guests: GuestDirectory,
    private readonly stays: StayLookup,
    private readonly realtime: RealtimeService,
    private readonly outbox: OutboxService,
  ) {}

  async openSession(widgetKey: string, origin: string | undefined, ip: string): Promise<WebchatSessionDto> {
    const route = await this.accounts.route(['webchat'], widgetKey);
    if (!route || !route.enabled) throw new ChannelNotFoundException();
    await this.limit(`webchat-open:${widgetKey}:${ip}`, SESSIONS_PER_MINUTE);
    const token = `wcs_${randomBytes(32).toString('base64url')}`;
    const sessionId = uuidv7();
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await this.db.run({ propertyId: route.propertyId }, async () => {
      const account = await this.channels.require(route.propertyId, route.accountId);
      const allowed = Array.isArray(account.settings.allowedOrigins)
        ? (account.settings.allowedOrigins as string[])
        : [];
      if (!origin || !allowed.includes(origin)) throw new OriginNotAllowedException();
      const conversationId = await this.newConversation(account, sessionId);
      await this.sessions.insert(route.propertyId, {
        id: sessionId,
        accountId: account.id,
        conversationId,
        tokenHash: hash(token),
        origin,
        expiresAt,
      });
    });
    return { token, sessionId, expiresAt: expiresAt.toISOString() };
  }

  /** The session a bearer token opens, or 401. */
  async session(token: string | undefined): Promise<WebchatSession> {
    const found = token ? await this.sessions.byToken(hash(token)) : undefined;
    if (!found) throw new WebchatSessionInvalidException();
    return found;
  }

  async post(session: WebchatSession, content: string): Promise<{ id: string }> {
    await this.limit(`webchat-rate:${session.sessionId}`, MESSAGES_PER_MINUTE);
    const { propertyId } = session;
    return this.db.run({ propertyId }, async () => {
      const row = (await this.sessions.find(propertyId, session.sessionId))!;
      const account = await this.channels.require(propertyId, row.channel_account_id);
      if (!account.enabled) throw new ChannelNotFoundException();
      let conversationId = row.conversation_id;
      const conversation = await this.conversations.findById(propertyId, conversationId);
      if (conversation && !['new', 'active', 'escalated'].includes(conversation.state)) {
        // Staff closed it: the visitor's next message starts a new one for the same guest.
        conversationId = (
          await this.conversations.insert(propertyId, {
            guestId: conversation.guest_id,
            reservationId: conversation.reservation_id,
            accountId: account.id,
            channelType: 'webchat',
            channelId: session.sessionId,
          })
        ).id;
        await this.sessions.moveTo(propertyId, session.sessionId, conversationId);
        await this.outbox.publishEvent('conversation.created', {
          conversationId,
          guestId: conversation.guest_id,
        });
      }
      const id = (await this.messages.insertInbound(propertyId, account.id, {
        channelMessageId: uuidv7(),
        from: session.sessionId,
        content,
        contentType: 'text',
        media: [],
      }))!;
      await this.messages.attach(propertyId, id, conversationId, new Date());
      await this.outbox.publishEvent('message.created', { conversationId, messageId: id });
      await this.outbox.enqueue(JobName.ConciergeProcess, { messageId: id });
      return { id };
    });
  }

  /**
   * The visitor is typing: staff screens get `conversation.typing` (at most one every few
   * seconds per session; nothing is stored).
   */
  async typing(session: WebchatSession): Promise<void> {
    const { propertyId, sessionId } = session;
    try {
      const fresh = await this.redis.client.set(
        this.redis.key('webchat-typing', sessionId),
        '1',
        'PX',
        TYPING_COALESCE_MS,
        'NX',
      );
      if (fresh !== 'OK') return;
      const row = await this.db.run({ propertyId }, () => this.sessions.find(propertyId, sessionId));
      if (!row) return;
      await this.realtime.publish(`property:${propertyId}`, {
        type: 'conversation.typing',
        data: { conversationId: row.conversation_id, sender: 'guest' },
      });
    } catch (err) {
      if (err instanceof AppException) throw err;
      throw new DependencyUnavailableException('redis_unavailable', 'Chat is briefly unavailable; retry.');
    }
  }

  events(session: WebchatSession): Observable<MessageEvent> {
    return this.realtime.stream(`webchat:${session.sessionId}`);
  }

  private async newConversation(account: ChannelAccountRow, sessionId: string): Promise<string> {
    const { guestId } = await this.guests.createAnonymous();
    const conversation = await this.conversations.insert(account.property_id, {
      guestId,
      reservationId: await this.stays.currentOrNextReservationId(guestId),
      accountId: account.id,
      channelType: 'webchat',
      channelId: sessionId,
    });
    await this.outbox.publishEvent('conversation.created', { conversationId: conversation.id, guestId });
    return conversation.id;
  }

  /** At most `perMinute` calls per key and minute (Redis, shared by all replicas). */
  private async limit(name: string, perMinute: number): Promise<void> {
    const key = this.redis.key(name, String(Math.floor(Date.now() / 60_000)));
    let count: number;
    try {
      const result = await this.redis.client.multi().incr(key).expire(key, 120).exec();
      count = Number(result?.[0]?.[1] ?? 0);
    } catch {
      throw new DependencyUnavailableException('redis_unavailable', 'Chat is briefly unavailable; retry.');
    }
    if (count > perMinute)
      throw new WebchatRateLimitedException(60 - Math.floor((Date.now() / 1000) % 60), perMinute);
  }
}
