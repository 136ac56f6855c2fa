import { AppConfig, JOB_QUEUE, JobName, OutboxPublisher, TenantDb } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import {
  ChannelNotFoundException,
  InvalidWebhookException,
  WebhookSignatureException,
} from '../exceptions/conversation.exceptions';
import { ChannelAccountsRepository, type ChannelRoute } from '../repositories/channel-accounts.repository';
import { type DeliveryStatus } from '../repositories/deliveries.repository';
import { type InboundMessage, type MediaItem, MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { DeliveryStatuses } from './delivery-statuses';
import { twilioSignatureValid } from './twilio-signature';

export type TwilioParams = Record<string, string | string[]>;

/** Routes of numbers that received messages, as hints (the storing statement re-checks them). */
const ROUTE_CACHE_SIZE = 1000;

/** Twilio serves message media from its own API host only; nothing else is recorded. */
const MEDIA_HOSTS = /^(api\.twilio\.com|[a-z0-9-]+\.twiliocdn\.com)$/;

/**
 * Twilio's incoming-message webhook (SMS and WhatsApp). Fail-closed: without a valid
 * X-Twilio-Signature under the account's auth token nothing is stored. A message is stored once
 * per MessageSid, with its processing job, in one transaction; the answer is an empty TwiML.
 *
 * Incoming messages take one round trip: the route a number had last time (kept in memory) gives
 * the account whose auth token checks the signature, and one statement re-reads that route (same
 * account and version, still enabled), sets the property and stores message and job; if the route
 * changed it stores nothing and the route is looked up afresh.
 */
@Injectable()
export class TwilioInboundService {
  private readonly logger = new Logger(TwilioInboundService.name);
  private readonly routes = new Map<string, ChannelRoute>();

  constructor(
    private readonly config: AppConfig,
    private readonly db: TenantDb,
    private readonly accounts: ChannelAccountsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly messages: MessagesRepository,
    private readonly statuses: DeliveryStatuses,
    private readonly publisher: OutboxPublisher,
  ) {}

  async receive(
    path: string,
    params: TwilioParams,
    signature: string | undefined,
  ): Promise<{ duplicate: boolean }> {
    if (!signature) return this.refuseUnsigned(path);
    const ourNumber = one(params, 'To');
    if (!ourNumber) throw new ChannelNotFoundException();
    const kind = ourNumber.startsWith('whatsapp:') ? 'twilio_whatsapp' : 'twilio_sms';
    const routeKey = ourNumber.replace(/^whatsapp:/, '');
    const cacheKey = `${kind} ${routeKey}`;
    let remembered = this.routes.get(cacheKey);
    // The remembered route, then a fresh one; a third try only if the account changed twice meanwhile.
    for (let attempt = 0; attempt < 3; attempt++) {
      const route = remembered ?? (await this.accounts.route([kind], routeKey));
      if (!route || !route.enabled) {
        this.routes.delete(cacheKey);
        throw new ChannelNotFoundException();
      }
      if (!(await this.signatureValid(route, path, params, signature))) {
        // The remembered route may predate a new auth token: only a fresh one may refuse.
        if (!remembered) this.refuseWrongSignature(route);
        this.routes.delete(cacheKey);
        remembered = undefined;
        continue;
      }
      const stored = await this.messages.receiveRouted(
        { kind, routeKey, accountId: route.accountId, version: route.version },
        this.message(params),
        {
          queue: JOB_QUEUE[JobName.InboundMessage],
          name: JobName.InboundMessage,
          holdMs: this.publisher.holdMs,
        },
      );
      // Committed: its job goes to the queue from here, without holding up the provider's answer
      // (publish never throws; the relay is the safety net).
      if (stored.job && this.publisher.holdMs > 0)
        this.publisher.publishSoon(route.propertyId, [{ ...stored.job, jobName: JobName.InboundMessage }]);
      if (stored.routed) {
        if (!this.routes.has(cacheKey)) {
          if (this.routes.size >= ROUTE_CACHE_SIZE) this.routes.delete(this.routes.keys().next().value!);
          this.routes.set(cacheKey, route);
        }
        return { duplicate: stored.id === undefined };
      }
      this.routes.delete(cacheKey);
      remembered = undefined;
    }
    throw new ChannelNotFoundException();
  }

  /**
   * A delivery callback for a message we sent (Twilio posts it to the StatusCallback URL, signed
   * the same way). Statuses only move forward; failed always wins.
   */
  async receiveStatus(path: string, params: TwilioParams, signature: string | undefined): Promise<void> {
    await this.verified(path, params, signature, one(params, 'From'), async (propertyId, accountId) => {
      const status = STATUSES[one(params, 'MessageStatus') ?? ''];
      const sid = one(params, 'MessageSid');
      if (!status || !sid) return;
      const error = one(params, 'ErrorCode') ? `Twilio error ${one(params, 'ErrorCode')}` : undefined;
      await this.statuses.report(propertyId, accountId, sid, status, error);
    });
  }

  /**
   * Routes by our own number (`whatsapp:`-prefixed for WhatsApp), then checks the signature under
   * that account's auth token, then runs `work` in the account's property transaction.
   */
  private async verified<T>(
    path: string,
    params: TwilioParams,
    signature: string | undefined,
    ourNumber: string | undefined,
    work: (propertyId: string, accountId: string) => Promise<T>,
  ): Promise<T> {
    if (!signature) return this.refuseUnsigned(path);
    const kind = ourNumber?.startsWith('whatsapp:') ? 'twilio_whatsapp' : 'twilio_sms';
    const route = ourNumber && (await this.accounts.route([kind], ourNumber.replace(/^whatsapp:/, '')));
    if (!route || !route.enabled) throw new ChannelNotFoundException();
    return this.db.run({ propertyId: route.propertyId }, async () => {
      if (!(await this.signatureValid(route, path, params, signature))) this.refuseWrongSignature(route);
      return work(route.propertyId, route.accountId);
    });
  }

  private refuseUnsigned(path: string): never {
    this.logger.warn(`Twilio webhook without X-Twilio-Signature refused (${path})`);
    throw new WebhookSignatureException('X-Twilio-Signature is missing.', 401);
  }

  /** Whether `signature` is the account's: its auth token over PUBLIC_BASE_URL + path and params. */
  private async signatureValid(
    route: ChannelRoute,
    path: string,
    params: TwilioParams,
    signature: string,
  ): Promise<boolean> {
    const { authToken } = await this.channels.credentialsFor(route);
    const url = `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${path}`;
    return twilioSignatureValid(authToken, url, params, signature);
  }

  private refuseWrongSignature(route: ChannelRoute): never {
    this.logger.warn(`Twilio webhook with a wrong signature refused (account ${route.accountId})`);
    throw new WebhookSignatureException('X-Twilio-Signature does not match.', 403);
  }

  private message(params: TwilioParams): InboundMessage {
    const sid = one(params, 'MessageSid') ?? one(params, 'SmsSid');
    const from = one(params, 'From')?.replace(/^whatsapp:/, '');
    if (!sid || !/^[A-Z]{2}[0-9a-f]{32}$/.test(sid) || !from)
      throw new InvalidWebhookException('MessageSid and From are required.');
    const media = this.media(params);
    const body = one(params, 'Body') ?? '';
    return {
      channelMessageId: sid,
      from,
      content: body,
      contentType: body === '' && media[0] ? (media[0].type as InboundMessage['contentType']) : 'text',
      media,
    };
  }

  private media(params: TwilioParams): MediaItem[] {
    const count = Math.min(Number(one(params, 'NumMedia') ?? 0) || 0, 10);
    const items: MediaItem[] = [];
    for (let i = 0; i < count; i++) {
      const url = one(params, `MediaUrl${i}`);
      const mimeType = one(params, `MediaContentType${i}`) ?? null;
      if (!url) continue;
      let host = '';
      try {
        const parsed = new URL(url);
        host = parsed.protocol === 'https:' ? parsed.hostname : '';
      } catch {
        /* not a URL: dropped below */
      }
      if (!MEDIA_HOSTS.test(host)) {
        this.logger.warn(`Twilio media URL on an unexpected host dropped (${host || 'invalid'})`);
        continue;
      }
      items.push({ type: mediaType(mimeType), url, mimeType, size: null });
    }
    return items;
  }
}

/** Twilio message statuses as ours (queued, accepted, sending and scheduled say nothing new). */
const STATUSES: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
};

function one(params: TwilioParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

function mediaType(mime: string | null): string {
  const top = mime?.split('/')[0];
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}
