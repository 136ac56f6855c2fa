import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { DomainEventBus, DomainEventJob } from '../outbox/domain-events';
import { OutboxRepository } from '../outbox/outbox.repository';
import { OutboxService } from '../outbox/outbox.service';
import { OutboxPruneAllJob, OutboxPruneJob } from '../outbox/outbox-prune.jobs';
import { OutboxPublisher } from '../outbox/outbox-publisher.service';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { JobRegistry } from './job-registry';
import { LocalJobs } from './local-jobs';
import { QueueProducer } from './queue-producer.service';
import { WorkerHost } from './worker-host.service';

/** Producers, the outbox and the event bus (api and worker); consumers start only in the worker. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    QueueProducer,
    OutboxRepository,
    OutboxService,
    OutboxPublisher,
    OutboxRelay,
    DomainEventBus,
    JobRegistry,
    LocalJobs,
    WorkerHost,
    DomainEventJob,
    OutboxPruneAllJob,
    OutboxPruneJob,
  ],
  exports: [
    QueueProducer,
    OutboxService,
    OutboxPublisher,
    OutboxRelay,
    DomainEventBus,
    JobRegistry,
    LocalJobs,
    WorkerHost,
  ],
})
export class QueueModule {}
