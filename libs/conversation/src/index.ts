export * from './conversation.module';
