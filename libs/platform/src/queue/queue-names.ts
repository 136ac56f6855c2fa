/** Every BullMQ queue. Each has its own defaults in QUEUE_DEFAULTS. */
export enum QueueName {
  InboundProcessing = 'inbound-processing',
  OutboundMessages = 'outbound-messages',
  Embeddings = 'embeddings',
  Automations = 'automations',
  Maintenance = 'maintenance',
}

/** Every job. Each must have exactly one @JobHandler (checked when the worker boots). */
export enum JobName {
  /** A domain event from the outbox, fanned out to in-process subscribers. */
  DomainEvent = 'domain-event',
  /** Daily: create the coming months' audit-log partitions (platform-wide). */
  AuditLogPartitions = 'audit-log.ensure-partitions',
  /** Daily: enqueue each property's retention jobs (outbox, PMS webhook events). */
  OutboxPruneAll = 'outbox.prune-all',
  /** Delete one property's published outbox rows past retention. */
  OutboxPrune = 'outbox.prune',
  /** Every 15 minutes: enqueue each property's idle-conversation sweep (platform-wide fan-out). */
  ConversationIdleSweepAll = 'conversation.idle-sweep-all',
  /** Ask idle guests if they need more; close conversations idle past the warning. */
  ConversationIdleSweep = 'conversation.idle-sweep',
  /** Send one outbound message through its channel's provider. */
  OutboundMessage = 'conversation.outbound-message',
  /** Attach a received guest message to its guest and conversation. */
  InboundMessage = 'conversation.inbound-message',
  /** Forget one property's PMS webhook event ids past the redelivery window. */
  PmsWebhookEventsPrune = 'pms.webhook-events.prune',
  /** Daily per property: forget delivery callbacks parked for messages never recorded as ours. */
  ConversationPrune = 'conversation.prune',
  /** Chunk vectors of one knowledge entry that the current embedding model has not made yet. */
  KnowledgeEmbed = 'knowledge.embed',
  /** Re-embed one property's knowledge with the configured model; search switches when complete. */
  KnowledgeReindex = 'knowledge.reindex',
  /** At worker start and daily: reindex properties whose vectors are not the configured model's. */
  KnowledgeReindexAll = 'knowledge.reindex-all',
  /** Daily per property: drop expired response-cache answers. */
  KnowledgePrune = 'knowledge.prune',
  /** Understand one guest message and answer, act or hand it to staff (the concierge pipeline). */
  ConciergeProcess = 'concierge.process',
  /** Tell a guest the tasks they asked for are done (batched per conversation). */
  ConciergeTaskNotice = 'concierge.task-notice',
  /** Daily: delete refresh tokens long expired or revoked (platform-wide). */
  SessionsPrune = 'sessions.prune',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.DomainEvent]: QueueName.Automations,
  [JobName.AuditLogPartitions]: QueueName.Maintenance,
  [JobName.OutboxPruneAll]: QueueName.Maintenance,
  [JobName.OutboxPrune]: QueueName.Maintenance,
  [JobName.SessionsPrune]: QueueName.Maintenance,
  [JobName.PmsWebhookEventsPrune]: QueueName.Maintenance,
  [JobName.InboundMessage]: QueueName.InboundProcessing,
  [JobName.ConciergeProcess]: QueueName.InboundProcessing,
  [JobName.ConciergeTaskNotice]: QueueName.Automations,
  [JobName.OutboundMessage]: QueueName.OutboundMessages,
  [JobName.ConversationIdleSweepAll]: QueueName.Maintenance,
  [JobName.ConversationIdleSweep]: QueueName.Maintenance,
  [JobName.ConversationPrune]: QueueName.Maintenance,
  [JobName.KnowledgeEmbed]: QueueName.Embeddings,
  [JobName.KnowledgeReindex]: QueueName.Embeddings,
  [JobName.KnowledgeReindexAll]: QueueName.Maintenance,
  [JobName.KnowledgePrune]: QueueName.Maintenance,
};

/**
 * Jobs the worker runs itself right after the transaction that wrote them commits (LocalJobs):
 * the send of a message, which a guest is waiting for.
 */
export const RUN_WHERE_WRITTEN: readonly JobName[] = [JobName.OutboundMessage];
