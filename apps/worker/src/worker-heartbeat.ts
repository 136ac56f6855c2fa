import { writeFile } from 'node:fs/promises';

import { AppConfig, DatabaseHealth, RedisService } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';

const INTERVAL_MS = 10_000;

/**
 * The worker serves no HTTP, so its health is a file: touched every 10 s while PostgreSQL and
 * Redis answer. Container health checks (docker-compose, Kubernetes exec probes) test its age.
 */
@Injectable()
export class WorkerHeartbeat {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealth,
    private readonly redis: RedisService,
  ) {}

  start(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Writes the heartbeat when both dependencies answer; returns whether it did. */
  async beat(): Promise<boolean> {
    const [db, redis] = await Promise.all([this.database.ping(), this.redis.ping()]);
    if (!db || !redis) {
      this.logger.warn(`not healthy: database ${db ? 'up' : 'down'}, redis ${redis ? 'up' : 'down'}`);
      return false;
    }
    await writeFile(this.config.WORKER_HEARTBEAT_FILE, new Date().toISOString()).catch((err: Error) =>
      this.logger.warn(`cannot write heartbeat: ${err.message}`),
    );
    return true;
  }
}
