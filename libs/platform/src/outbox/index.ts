export * from './domain-events';
export * from './outbox.service';
export * from './outbox-prune.jobs';
export * from './outbox-publisher.service';
export * from './outbox-relay.service';
