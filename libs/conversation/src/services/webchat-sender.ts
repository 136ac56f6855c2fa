import { uuidv7 } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelSender, type OutboundSend } from './channel-sender';
import { ProviderError } from './provider-error';
import { RealtimeService } from './realtime.service';

/** Web chat "delivery": the reply is pushed to the visitor's session stream on every replica. */
@Injectable()
export class WebchatSender implements ChannelSender {
  constructor(private readonly realtime: RealtimeService) {}

  /** Nothing outside to ask: the widget key is ours. */
  async check(): Promise<void> {}

  async send(o: OutboundSend): Promise<{ providerMessageId: string }> {
    const id = uuidv7();
    try {
      await this.realtime.publish(`webchat:${o.to}`, {
        type: 'message',
        data: { id, content: o.body, sentAt: new Date().toISOString() },
      });
    } catch (err) {
      throw ProviderError.network(err);
    }
    return { providerMessageId: id };
  }
}
