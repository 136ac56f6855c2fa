import { AppConfig } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type ChannelSender, type OutboundSend, providerCall, providerGet } from './channel-sender';
import { ProviderError } from './provider-error';

export interface TwilioSend {
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  /** Free text, or a Content API template (WhatsApp templates) with its variables by position. */
  content: { body: string } | { contentSid: string; variables: Record<string, string> };
  statusCallback: string;
}

/** Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth, form body. */
@Injectable()
export class TwilioSender implements ChannelSender {
  constructor(private readonly config: AppConfig) {}

  async send(o: OutboundSend): Promise<{ providerMessageId: string }> {
    const prefix = o.account.kind === 'twilio_whatsapp' ? 'whatsapp:' : '';
    const base = this.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const sent = await this.post({
      accountSid: o.credentials.accountSid,
      authToken: o.credentials.authToken,
      from: `${prefix}${o.account.route_key}`,
      to: `${prefix}${o.to}`,
      content: o.template?.contentSid
        ? {
            contentSid: o.template.contentSid,
            variables: Object.fromEntries(o.template.parameters.map((v, i) => [String(i + 1), v])),
          }
        : { body: o.body },
      statusCallback: `${base}/webhooks/twilio/status`,
    });
    return { providerMessageId: sent.sid };
  }

  check(_account: ChannelAccountRow, c: Record<string, string>): Promise<void> {
    const base = this.config.TWILIO_API_BASE_URL.replace(/\/+$/, '');
    return providerGet(
      `${base}/2010-04-01/Accounts/${c.accountSid}.json`,
      `Basic ${Buffer.from(`${c.accountSid}:${c.authToken}`).toString('base64')}`,
    );
  }

  private async post(m: TwilioSend): Promise<{ sid: string; status: string }> {
    const url = `${this.config.TWILIO_API_BASE_URL.replace(/\/+$/, '')}/2010-04-01/Accounts/${m.accountSid}/Messages.json`;
    const answer = await providerCall(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${m.accountSid}:${m.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          To: m.to,
          From: m.from,
          ...('body' in m.content
            ? { Body: m.content.body }
            : { ContentSid: m.content.contentSid, ContentVariables: JSON.stringify(m.content.variables) }),
          StatusCallback: m.statusCallback,
        }),
      },
      twilioMessage,
    );
    const body = (answer.body ?? {}) as { sid?: unknown; status?: unknown };
    if (typeof body.sid !== 'string')
      throw new ProviderError('Twilio answered without a message sid', false, answer.status);
    return { sid: body.sid, status: typeof body.status === 'string' ? body.status : 'queued' };
  }
}

/** Twilio errors are `{ code, message, more_info, status }`. */
function twilioMessage(text: string): string {
  try {
    const e = JSON.parse(text) as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : 'error';
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` (Twilio ${e.code})` : '';
    return `${message}${code}`;
  } catch {
    return text.slice(0, 200);
  }
}
