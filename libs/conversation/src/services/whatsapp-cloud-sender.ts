import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type ChannelSender, type OutboundSend, providerCall, providerGet } from './channel-sender';
import { ProviderError } from './provider-error';

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
    const { status, body } = await providerCall(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${o.credentials.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: o.to.replace(/^\+/, ''),
          ...content(o),
        }),
      },
      graphMessage,
    );
    const id = (body as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    if (typeof id !== 'string')
      throw new ProviderError('WhatsApp answered without a message id', false, status);
    return { providerMessageId: id };
  }
}

/**
 * Free text, or a registered template with its body parameters in placeholder order (named
 * templates name each one). Header and button parameters are not sent: templates that need them
 * cannot be registered yet.
 */
function content(o: OutboundSend): Record<string, unknown> {
  if (!o.template) return { type: 'text', text: { preview_url: false, body: o.body } };
  const { name, language, parameters, parameterNames } = o.template;
  return {
    type: 'template',
    template: {
      name,
      language: { code: language },
      ...(parameters.length > 0 && {
        components: [
          {
            type: 'body',
            parameters: parameters.map((text, i) =>
              parameterNames
                ? { type: 'text', parameter_name: parameterNames[i], text }
                : { type: 'text', text },
            ),
          },
        ],
      }),
    },
  };
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
