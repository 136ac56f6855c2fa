import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type ChannelSender, type OutboundSend, providerCall, providerGet } from './channel-sender';
import { ProviderError } from './provider-error';

/** Mailgun: POST /v3/{domain}/messages, basic auth api:{key}, form body; replies keep the thread. */
@Injectable()
export class MailgunSender implements ChannelSender {
  constructor(private readonly config: AppConfig) {}

  check(account: ChannelAccountRow, c: Record<string, string>): Promise<void> {
    return providerGet(
      `${this.config.MAILGUN_API_BASE_URL.replace(/\/+$/, '')}/v3/domains/${domainOf(account)}`,
      `Basic ${Buffer.from(`api:${c.apiKey}`).toString('base64')}`,
    );
  }

  async send(o: OutboundSend): Promise<{ providerMessageId: string }> {
    const domain = domainOf(o.account);
    const form = new URLSearchParams({
      from: `"${o.account.name.replace(/["\\]/g, '')}" <${o.account.route_key}>`,
      to: o.to,
      subject: o.subject
        ? /^re:/i.test(o.subject)
          ? o.subject
          : `Re: ${o.subject}`
        : `A message from ${o.account.name}`,
      text: o.body,
    });
    if (o.inReplyTo) {
      form.set('h:In-Reply-To', o.inReplyTo);
      form.set('h:References', o.inReplyTo);
    }
    const { status, body } = await providerCall(
      `${this.config.MAILGUN_API_BASE_URL.replace(/\/+$/, '')}/v3/${domain}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`api:${o.credentials.apiKey}`).toString('base64')}` },
        body: form,
      },
    );
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      throw new ProviderError('Mailgun answered without a message id', false, status);
    return { providerMessageId: id };
  }
}

function domainOf(account: ChannelAccountRow): string {
  return typeof account.settings.domain === 'string'
    ? account.settings.domain
    : account.route_key.split('@')[1];
}
