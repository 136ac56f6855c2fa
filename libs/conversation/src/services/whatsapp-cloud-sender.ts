import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type ChannelSender, type OutboundSend, providerGet } from './channel-sender';
import { ProviderError } from './provider-error';

const TIMEOUT_MS = 15_000;

/** WhatsApp Cloud API: POST /{version}/{phone-number-id}/messages with the account's bearer token. */
@Injectable()
export class WhatsAppCloudSender implements ChannelSender {
  constructor(private readonly config: AppConfig) {}

  check(account: ChannelAccountRow, c: Record<string, string>): Promise<void> {
    return providerGet(
      whatsappCheckUrl(this.config.WHATSAPP_API_BASE_URL, this.config.WHATSAPP_API_VERSION, account),
      `Bearer ${c.accessToken}`,
    );
  }

  async send(o: OutboundSend): Promise<{ providerMessageId: string }> {
    const base = this.config.WHATSAPP_API_BASE_URL.replace(/\/+$/, '');
    const url = `${base}/${this.config.WHATSAPP_API_VERSION}/${o.account.route_key}/messages`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.credentials.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: o.to.replace(/^\+/, ''),
          type: 'text',
          text: { preview_url: false, body: o.body },
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw ProviderError.network(err);
    }
    const text = await res.text();
    if (!res.ok)
      throw ProviderError.fromResponse(res.status, graphMessage(text), res.headers.get('retry-after'));
    const id = (JSON.parse(text) as { messages?: { id?: unknown }[] }).messages?.[0]?.id;
    if (typeof id !== 'string')
      throw new ProviderError('WhatsApp answered without a message id', true, res.status);
    return { providerMessageId: id };
  }
}

/** Reads the phone number's id with the account's token (Graph answers 401/400 when refused). */
export function whatsappCheckUrl(base: string, version: string, account: ChannelAccountRow): string {
  return `${base.replace(/\/+$/, '')}/${version}/${account.route_key}?fields=id`;
}

/** Graph API errors are `{ error: { message, code, error_subcode } }`. */
function graphMessage(text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { message?: unknown; code?: unknown } }).error;
    const message = typeof e?.message === 'string' ? e.message : 'error';
    const code = typeof e?.code === 'number' || typeof e?.code === 'string' ? ` (Graph ${e.code})` : '';
    return `${message}${code}`;
  } catch {
    return text.slice(0, 200);
  }
}
