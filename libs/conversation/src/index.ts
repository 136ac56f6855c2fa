export * from './controllers/channels.controller';
export * from './controllers/twilio-webhook.controller';
export * from './conversation.module';
export * from './dtos/channel.dto';
export * from './exceptions/conversation.exceptions';
export * from './jobs/inbound-message.job';
export * from './services/twilio-signature';
