import { GuestLinks, GuestModule } from '@app/guest';
import { DomainEventBus } from '@app/platform';
import { ReservationModule } from '@app/reservation';
import { Module, type OnModuleInit } from '@nestjs/common';

import { ChannelsController } from './controllers/channels.controller';
import { ConversationActionsController } from './controllers/conversation-actions.controller';
import { ConversationsController } from './controllers/conversations.controller';
import { EventsController } from './controllers/events.controller';
import { MailgunWebhookController } from './controllers/mailgun-webhook.controller';
import { TwilioWebhookController } from './controllers/twilio-webhook.controller';
import { WebchatController } from './controllers/webchat.controller';
import { WhatsAppWebhookController } from './controllers/whatsapp-webhook.controller';
import { ConversationPruneJob } from './jobs/conversation-prune.job';
import { IdleConversationsAllJob, IdleConversationsJob } from './jobs/idle-conversations.job';
import { InboundMessageJob } from './jobs/inbound-message.job';
import { OutboundMessageJob } from './jobs/outbound-message.job';
import { ChannelAccountsRepository } from './repositories/channel-accounts.repository';
import { ConversationsRepository } from './repositories/conversations.repository';
import { DeliveriesRepository, ParkedStatusesRepository } from './repositories/deliveries.repository';
import { MessagesRepository } from './repositories/messages.repository';
import { OptOutsRepository } from './repositories/opt-outs.repository';
import { WebchatSessionsRepository } from './repositories/webchat-sessions.repository';
import { ChannelAccountsService } from './services/channel-accounts.service';
import { ChannelSenders } from './services/channel-senders';
import { ConversationGateway } from './services/conversation-gateway';
import { DeliveryStatuses } from './services/delivery-statuses';
import { InboundHandoff } from './services/inbound-handoff';
import { InboxService } from './services/inbox.service';
import { MailgunInboundService } from './services/mailgun-inbound.service';
import { MailgunSender } from './services/mailgun-sender';
import { OutboundWriter } from './services/outbound-writer';
import { RealtimeService } from './services/realtime.service';
import { LIVE_EVENTS, RealtimeRelay } from './services/realtime-relay';
import { ReplyTranslators } from './services/reply-translators';
import { SendRateLimiter } from './services/send-rate-limiter';
import { TwilioInboundService } from './services/twilio-inbound.service';
import { TwilioSender } from './services/twilio-sender';
import { WebchatService } from './services/webchat.service';
import { WebchatSender } from './services/webchat-sender';
import { WhatsAppCloudSender } from './services/whatsapp-cloud-sender';
import { WhatsAppInboundService } from './services/whatsapp-inbound.service';

/** The `conversation` bounded context: channel accounts, inbound webhooks, conversations, messages. */
@Module({
  imports: [GuestModule, ReservationModule],
  controllers: [
    ChannelsController,
    ConversationsController,
    ConversationActionsController,
    TwilioWebhookController,
    WhatsAppWebhookController,
    MailgunWebhookController,
    WebchatController,
    EventsController,
  ],
  providers: [
    ReplyTranslators,
    InboundHandoff,
    ChannelAccountsRepository,
    ChannelAccountsService,
    ConversationsRepository,
    MessagesRepository,
    DeliveriesRepository,
    ParkedStatusesRepository,
    DeliveryStatuses,
    OptOutsRepository,
    WebchatSessionsRepository,
    InboxService,
    ConversationGateway,
    OutboundWriter,
    TwilioInboundService,
    TwilioSender,
    WhatsAppCloudSender,
    ChannelSenders,
    SendRateLimiter,
    RealtimeService,
    RealtimeRelay,
    WebchatService,
    WebchatSender,
    MailgunSender,
    MailgunInboundService,
    WhatsAppInboundService,
    InboundMessageJob,
    OutboundMessageJob,
    IdleConversationsAllJob,
    IdleConversationsJob,
    ConversationPruneJob,
  ],
  exports: [ChannelAccountsService, ConversationGateway, ReplyTranslators, InboundHandoff],
})
export class ConversationModule implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly relay: RealtimeRelay,
    private readonly links: GuestLinks,
    private readonly conversations: ConversationsRepository,
  ) {}

  /**
   * A merged guest's conversations follow the surviving profile (in the merge's transaction);
   * committed domain events reach staff screens on every replica (the worker dispatches them).
   */
  onModuleInit(): void {
    this.links.register('conversation', ({ propertyId, sourceGuestId, targetGuestId }) =>
      this.conversations.moveGuest(propertyId, sourceGuestId, targetGuestId),
    );
    // Forwarding to Redis touches no rows: no transaction for it.
    for (const type of LIVE_EVENTS)
      this.bus.subscribe(type, (event) => this.relay.forward(event), { transaction: false });
  }
}
