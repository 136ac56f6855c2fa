import { Injectable } from '@nestjs/common';

import { type ChannelKind } from './channel-kinds';
import { type ChannelSender } from './channel-sender';
import { MailgunSender } from './mailgun-sender';
import { ProviderError } from './provider-error';
import { TwilioSender } from './twilio-sender';
import { WebchatSender } from './webchat-sender';
import { WhatsAppCloudSender } from './whatsapp-cloud-sender';

/** The provider adapter of each channel kind. */
@Injectable()
export class ChannelSenders {
  private readonly byKind: Partial<Record<ChannelKind, ChannelSender>>;

  constructor(
    twilio: TwilioSender,
    whatsapp: WhatsAppCloudSender,
    mailgun: MailgunSender,
    webchat: WebchatSender,
  ) {
    this.byKind = {
      twilio_sms: twilio,
      twilio_whatsapp: twilio,
      whatsapp_cloud: whatsapp,
      email_mailgun: mailgun,
      webchat,
    };
  }

  for(kind: ChannelKind): ChannelSender {
    const sender = this.byKind[kind];
    if (!sender) throw new ProviderError(`no sender for ${kind} channels`, false, null);
    return sender;
  }
}
