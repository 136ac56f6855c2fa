import { GuestModule } from '@app/guest';
import { ReservationModule } from '@app/reservation';
import { Module } from '@nestjs/common';

import { ChannelsController } from './controllers/channels.controller';
import { TwilioWebhookController } from './controllers/twilio-webhook.controller';
import { InboundMessageJob } from './jobs/inbound-message.job';
import { ChannelAccountsRepository } from './repositories/channel-accounts.repository';
import { ConversationsRepository } from './repositories/conversations.repository';
import { MessagesRepository } from './repositories/messages.repository';
import { ChannelAccountsService } from './services/channel-accounts.service';
import { TwilioInboundService } from './services/twilio-inbound.service';

/** The `conversation` bounded context: channel accounts, inbound webhooks, conversations, messages. */
@Module({
  imports: [GuestModule, ReservationModule],
  controllers: [ChannelsController, TwilioWebhookController],
  providers: [
    ChannelAccountsRepository,
    ChannelAccountsService,
    ConversationsRepository,
    MessagesRepository,
    TwilioInboundService,
    InboundMessageJob,
  ],
  exports: [ChannelAccountsService],
})
export class ConversationModule {}
