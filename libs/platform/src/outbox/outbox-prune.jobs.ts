import { Injectable } from '@nestjs/common';

import { PlatformDb } from '../database/platform-db.service';
import { affectedOf } from '../database/sql-runner';
import { TenantDb } from '../database/tenant-db.service';
import { HandlesJob, type JobHandler, type PropertyJobPayload } from '../queue/job-handler';
import { JobName } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue-producer.service';

const RETENTION_DAYS = 7;

/** Fans the daily prune out to one job per property (cross-property work never shares a tx). */
@Injectable()
@HandlesJob(JobName.OutboxPruneAll, 'platform')
export class OutboxPruneAllJob implements JobHandler {
  constructor(
    private readonly platformDb: PlatformDb,
    private readonly producer: QueueProducer,
  ) {}

  async handle(): Promise<number> {
    const properties = await this.platformDb.query<{ id: string }>('select id from platform.properties');
    const day = new Date().toISOString().slice(0, 10);
    for (const { id } of properties) {
      await this.producer.add(JobName.OutboxPrune, { propertyId: id }, `outbox-prune:${id}:${day}`);
    }
    return properties.length;
  }
}

@Injectable()
@HandlesJob(JobName.OutboxPrune, 'property')
export class OutboxPruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly db: TenantDb) {}

  async handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        `delete from platform.outbox
        where property_id = $1 and status = 'published'
          and published_at < now() - make_interval(days => $2)`,
        [propertyId, RETENTION_DAYS],
      ),
    );
  }
}
