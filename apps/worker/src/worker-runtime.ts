import { JobName, OutboxPublisher, OutboxRelay, QueueName, QueueProducer, WorkerHost } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

import { WorkerHeartbeat } from './worker-heartbeat';

const DAY_MS = 24 * 3600 * 1000;

/** Starts consumers, the outbox relay and the daily maintenance schedules; stops them in order. */
@Injectable()
export class WorkerRuntime {
  private readonly logger = new Logger(WorkerRuntime.name);

  constructor(
    private readonly host: WorkerHost,
    private readonly relay: OutboxRelay,
    private readonly producer: QueueProducer,
    private readonly heartbeat: WorkerHeartbeat,
    private readonly publisher: OutboxPublisher,
  ) {}

  async start(): Promise<void> {
    const maintenance = this.producer.queue(QueueName.Maintenance);
    // An `every` schedule runs its first job at once (BullMQ's `immediately` is only for cron patterns).
    await maintenance.upsertJobScheduler(
      'audit-log-partitions',
      { every: DAY_MS },
      {
        name: JobName.AuditLogPartitions,
        data: {},
      },
    );
    await maintenance.upsertJobScheduler(
      'outbox-prune',
      { every: DAY_MS },
      { name: JobName.OutboxPruneAll, data: {} },
    );
    await maintenance.upsertJobScheduler(
      'conversation-idle',
      { every: 15 * 60 * 1000 },
      { name: JobName.ConversationIdleSweepAll, data: {} },
    );
    await maintenance.upsertJobScheduler(
      'sessions-prune',
      { every: DAY_MS },
      { name: JobName.SessionsPrune, data: {} },
    );
    await maintenance.upsertJobScheduler(
      'knowledge-reindex',
      { every: DAY_MS },
      { name: JobName.KnowledgeReindexAll, data: {} },
    );
    // At every start too: a changed embedding model arrives with a restart.
    await this.producer.add(JobName.KnowledgeReindexAll, {}, `knowledge-reindex-all:start:${Date.now()}`);
    this.host.start();
    await this.relay.start();
    this.heartbeat.start();
    this.logger.log(`worker consuming ${Object.values(QueueName).join(', ')}`);
  }

  /** Stop taking new work first (relay, consumers), letting in-flight jobs finish. */
  async stop(): Promise<void> {
    this.heartbeat.stop();
    await this.relay.stop();
    await this.host.close();
    // The sends run where written (drained by close) are marked before the database goes.
    await this.publisher.flush();
  }
}
