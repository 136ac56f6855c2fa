import { createHmac } from 'node:crypto';

import { constantTimeEqual, JobName, OutboxService, rowsOf, TenantDb } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { simpleParser } from 'mailparser';

import {
  ChannelNotFoundException,
  InvalidWebhookException,
  WebhookSignatureException,
} from '../exceptions/conversation.exceptions';
import { ChannelAccountsRepository } from '../repositories/channel-accounts.repository';
import { type MediaItem, MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { stripReply } from './email-text';

export interface MailgunForm {
  fields: Record<string, string>;
  attachments: MediaItem[];
}

const TOLERANCE_SECONDS = 300;

/**
 * Mailgun inbound routes (forward to URL). The signature is HMAC-SHA256 of timestamp + token
 * under the account's webhook signing key; timestamps more than 300 s off and a token seen
 * before are refused. MIME (`body-mime`) is parsed with mailparser; quoted replies and
 * signatures are stripped; the message is stored once per Message-Id with its thread references.
 */
@Injectable()
export class MailgunInboundService {
  private readonly logger = new Logger(MailgunInboundService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly accounts: ChannelAccountsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly messages: MessagesRepository,
    private readonly outbox: OutboxService,
  ) {}

  async receive(form: MailgunForm): Promise<{ duplicate: boolean }> {
    const f = form.fields;
    if (!f.signature || !f.token || !f.timestamp) {
      this.logger.warn('Mailgun webhook without a signature refused');
      throw new WebhookSignatureException('timestamp, token and signature are required.', 401);
    }
    const recipient = (f.recipient ?? '').split(',')[0].trim().toLowerCase();
    const route = recipient ? await this.accounts.route(['email_mailgun'], recipient) : undefined;
    if (!route || !route.enabled) throw new ChannelNotFoundException();
    return this.db.run({ propertyId: route.propertyId }, async () => {
      const account = await this.channels.require(route.propertyId, route.accountId);
      this.assertSigned(this.channels.open(account).webhookSigningKey, f);
      await this.assertFresh(route.propertyId, account.id, f.token);
      const email = await parse(f);
      const id = await this.messages.insertInbound(route.propertyId, account.id, {
        channelMessageId: email.messageId,
        from: email.from,
        content: email.text,
        contentType: email.text === '' && form.attachments[0] ? 'document' : 'text',
        media: form.attachments,
        entities: { subject: email.subject, references: email.references },
      });
      if (id) await this.outbox.enqueue(JobName.InboundMessage, { messageId: id });
      return { duplicate: id === undefined };
    });
  }

  private assertSigned(key: string, f: Record<string, string>): void {
    const expected = createHmac('sha256', key)
      .update(f.timestamp + f.token)
      .digest('hex');
    if (!constantTimeEqual(expected, f.signature)) {
      this.logger.warn('Mailgun webhook with a wrong signature refused');
      throw new WebhookSignatureException('The signature does not match.', 403);
    }
    if (
      !/^\d{1,12}$/.test(f.timestamp) ||
      Math.abs(Date.now() / 1000 - Number(f.timestamp)) > TOLERANCE_SECONDS
    )
      throw new WebhookSignatureException('The timestamp is more than 300 seconds off.', 403);
  }

  /**
   * A signed token is accepted once: recorded in the message's transaction (a failed attempt
   * leaves it usable for the provider's retry); tokens older than the tolerance are forgotten.
   */
  private async assertFresh(propertyId: string, accountId: string, token: string): Promise<void> {
    await this.db.manager.query(
      `delete from conversation.webhook_tokens where property_id = $1 and seen_at < now() - make_interval(secs => $2)`,
      [propertyId, TOLERANCE_SECONDS * 2],
    );
    const rows = await rowsOf<{ token: string }>(
      this.db.manager.query(
        `insert into conversation.webhook_tokens (property_id, channel_account_id, token) values ($1, $2, $3)
         on conflict do nothing returning token`,
        [propertyId, accountId, token.slice(0, 200)],
      ),
    );
    if (rows.length === 0) throw new WebhookSignatureException('This token was used before (replay).', 403);
  }
}

interface ParsedEmail {
  messageId: string;
  from: string;
  subject: string;
  text: string;
  references: string[];
}

async function parse(f: Record<string, string>): Promise<ParsedEmail> {
  if (f['body-mime']) {
    const mail = await simpleParser(f['body-mime']);
    const refs = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
    return email(
      mail.messageId,
      mail.from?.value[0]?.address ?? f.sender,
      mail.subject ?? '',
      mail.text ?? '',
      [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...refs],
    );
  }
  return email(
    f['Message-Id'],
    f.sender,
    f.subject ?? '',
    f['body-plain'] ?? '',
    `${f['In-Reply-To'] ?? ''} ${f.References ?? ''}`.split(/\s+/).filter(Boolean),
  );
}

function email(
  messageId: string | undefined,
  from: string | undefined,
  subject: string,
  text: string,
  references: string[],
): ParsedEmail {
  const address = from?.trim().toLowerCase();
  if (!messageId || !address || !/^[^\s@]+@[^\s@]+$/.test(address))
    throw new InvalidWebhookException('A Message-Id and a sender address are required.');
  return {
    messageId: messageId.trim(),
    from: address,
    subject,
    text: stripReply(text),
    references: [...new Set(references)],
  };
}
