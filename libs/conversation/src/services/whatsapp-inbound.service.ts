import { createHmac } from 'node:crypto';

import { constantTimeEqual, JobName, OutboxService, TenantDb } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import {
  ChannelNotFoundException,
  InvalidWebhookException,
  WebhookSignatureException,
} from '../exceptions/conversation.exceptions';
import { ChannelAccountsRepository, type ChannelRoute } from '../repositories/channel-accounts.repository';
import { type DeliveryStatus } from '../repositories/deliveries.repository';
import { type InboundMessage, MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { DeliveryStatuses } from './delivery-statuses';

interface WaMessage {
  id?: unknown;
  from?: unknown;
  type?: unknown;
  text?: { body?: unknown };
  [media: string]: unknown;
}
interface WaStatus {
  id?: unknown;
  status?: unknown;
  errors?: { title?: unknown; code?: unknown }[];
}
interface WaValue {
  metadata?: { phone_number_id?: unknown };
  messages?: WaMessage[];
  statuses?: WaStatus[];
}

const STATUSES: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};
const MEDIA = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/**
 * WhatsApp Cloud API webhooks. GET answers Meta's verification challenge when the verify token
 * is one of a WhatsApp Cloud account's; POST carries batches of messages and statuses, signed
 * with X-Hub-Signature-256 (HMAC-SHA256 of the raw body under the app secret). Every account named
 * in a batch must verify before anything of it is stored; messages are stored once per wamid.
 */
@Injectable()
export class WhatsAppInboundService {
  private readonly logger = new Logger(WhatsAppInboundService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly accounts: ChannelAccountsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly messages: MessagesRepository,
    private readonly statuses: DeliveryStatuses,
    private readonly outbox: OutboxService,
  ) {}

  /** The challenge, when `token` is the verify token of some WhatsApp Cloud account. */
  async verify(
    mode: string | undefined,
    token: string | undefined,
    challenge: string | undefined,
  ): Promise<string> {
    if (mode !== 'subscribe' || !token || !challenge)
      throw new InvalidWebhookException('Not a verification request.');
    for (const route of await this.accounts.routesOf('whatsapp_cloud')) {
      const matches = await this.db.run({ propertyId: route.propertyId }, async () => {
        const account = await this.channels.require(route.propertyId, route.accountId);
        return constantTimeEqual(this.channels.open(account).verifyToken, token);
      });
      if (matches) return challenge;
    }
    this.logger.warn('WhatsApp verification with an unknown verify token refused');
    throw new WebhookSignatureException('The verify token matches no WhatsApp account.', 403);
  }

  async receive(rawBody: Buffer | undefined, signature: string | undefined, body: unknown): Promise<number> {
    if (!signature || !rawBody) {
      this.logger.warn('WhatsApp webhook without X-Hub-Signature-256 refused');
      throw new WebhookSignatureException('X-Hub-Signature-256 is missing.', 401);
    }
    const batches = changesByNumber(body);
    // A notification naming no number of ours (another field, a test ping) is still checked.
    if (batches.size === 0) return this.assertSignedByAny(rawBody, signature).then(() => 0);
    const routes = new Map<string, ChannelRoute>();
    for (const phoneNumberId of batches.keys()) {
      const route = await this.accounts.route(['whatsapp_cloud'], phoneNumberId);
      if (!route || !route.enabled) throw new ChannelNotFoundException();
      routes.set(phoneNumberId, route);
    }
    for (const route of routes.values()) await this.assertSigned(route, rawBody, signature);
    let stored = 0;
    for (const [phoneNumberId, values] of batches) {
      const route = routes.get(phoneNumberId)!;
      stored += await this.db.run({ propertyId: route.propertyId }, () => this.store(route, values));
    }
    return stored;
  }

  private async assertSignedByAny(rawBody: Buffer, signature: string): Promise<void> {
    for (const route of await this.accounts.routesOf('whatsapp_cloud'))
      if (await this.signedBy(route, rawBody, signature)) return;
    this.logger.warn('WhatsApp webhook signed by no known app refused');
    throw new WebhookSignatureException('X-Hub-Signature-256 does not match.', 403);
  }

  private async assertSigned(route: ChannelRoute, rawBody: Buffer, signature: string): Promise<void> {
    if (!(await this.signedBy(route, rawBody, signature))) {
      this.logger.warn(`WhatsApp webhook with a wrong signature refused (account ${route.accountId})`);
      throw new WebhookSignatureException('X-Hub-Signature-256 does not match.', 403);
    }
  }

  private signedBy(route: ChannelRoute, rawBody: Buffer, signature: string): Promise<boolean> {
    return this.db.run({ propertyId: route.propertyId }, async () => {
      const account = await this.channels.require(route.propertyId, route.accountId);
      const expected = createHmac('sha256', this.channels.open(account).appSecret)
        .update(rawBody)
        .digest('hex');
      return constantTimeEqual(`sha256=${expected}`, signature.trim());
    });
  }

  private async store(route: ChannelRoute, values: WaValue[]): Promise<number> {
    let stored = 0;
    for (const value of values) {
      for (const m of value.messages ?? []) {
        const id = await this.messages.insertInbound(route.propertyId, route.accountId, inbound(m));
        if (id) {
          await this.outbox.enqueue(JobName.InboundMessage, { messageId: id });
          stored++;
        }
      }
      // In id order: two batches about the same messages take their locks in the same order.
      const statuses = [...(value.statuses ?? [])].sort((x, y) => String(x.id).localeCompare(String(y.id)));
      for (const s of statuses) await this.status(route, s);
    }
    return stored;
  }

  private async status(route: ChannelRoute, s: WaStatus): Promise<void> {
    const status = typeof s.status === 'string' ? STATUSES[s.status] : undefined;
    if (!status || typeof s.id !== 'string') return;
    const error = s.errors?.[0]
      ? `WhatsApp error ${String(s.errors[0].code)}: ${String(s.errors[0].title)}`
      : undefined;
    await this.statuses.report(route.propertyId, route.accountId, s.id, status, error);
  }
}

/** The batch's `messages` changes, grouped by the business phone number they were sent to. */
function changesByNumber(body: unknown): Map<string, WaValue[]> {
  const b = body as { object?: unknown; entry?: { changes?: { field?: unknown; value?: WaValue }[] }[] };
  if (b?.object !== 'whatsapp_business_account' || !Array.isArray(b.entry))
    throw new InvalidWebhookException('Expected a whatsapp_business_account notification.');
  const out = new Map<string, WaValue[]>();
  for (const entry of b.entry)
    for (const change of entry.changes ?? []) {
      const id = change.value?.metadata?.phone_number_id;
      if (change.field !== 'messages' || typeof id !== 'string') continue;
      out.set(id, [...(out.get(id) ?? []), change.value!]);
    }
  return out;
}

function inbound(m: WaMessage): InboundMessage {
  if (typeof m.id !== 'string' || typeof m.from !== 'string' || !/^\d{6,15}$/.test(m.from))
    throw new InvalidWebhookException('A message needs an id and a sender number.');
  const type = typeof m.type === 'string' ? m.type : 'text';
  const media = MEDIA.includes(type as (typeof MEDIA)[number])
    ? (m[type] as { id?: unknown; mime_type?: unknown; caption?: unknown })
    : undefined;
  const text =
    typeof m.text?.body === 'string' ? m.text.body : typeof media?.caption === 'string' ? media.caption : '';
  return {
    channelMessageId: m.id,
    from: `+${m.from}`,
    content: text,
    contentType: media ? (type === 'sticker' ? 'image' : (type as InboundMessage['contentType'])) : 'text',
    // Media arrive as Graph API ids (fetched, if ever, with the account's token — never by URL).
    media:
      media && typeof media.id === 'string'
        ? [
            {
              type,
              url: `whatsapp-media:${media.id}`,
              mimeType: typeof media.mime_type === 'string' ? media.mime_type : null,
              size: null,
            },
          ]
        : [],
  };
}
