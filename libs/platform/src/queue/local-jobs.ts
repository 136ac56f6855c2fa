import { Injectable, Logger } from '@nestjs/common';

import { type JobName } from './queue-names';

/** A job whose writer runs it itself, right after the transaction that wrote it committed. */
export interface LocalJob {
  /** Its outbox row's id (the jobId should it go to its queue after all). */
  id: string;
  name: JobName;
  propertyId: string;
  payload: Record<string, unknown>;
}

export type LocalJobRunner = (job: LocalJob) => Promise<void>;

/** Outbox rows held from the relay while their writer runs them: long past a provider's timeout. */
export const LOCAL_JOB_HOLD_SECONDS = 120;

/**
 * Jobs the worker runs where they were written instead of through the relay and BullMQ (the send
 * of a reply the concierge just wrote: a relay round, a queue round and their latency less). The
 * outbox row is written with the transaction as always, held from the relay for
 * LOCAL_JOB_HOLD_SECONDS; once the transaction commits the runner (WorkerHost) runs the job and
 * marks the row published, or hands the job to its queue when it fails or must wait. Should the
 * process die first, the relay publishes the row when the hold is over. Off unless enabled (the
 * api never runs jobs).
 */
@Injectable()
export class LocalJobs {
  private readonly logger = new Logger(LocalJobs.name);
  private runner: LocalJobRunner | null = null;
  private names = new Set<JobName>();
  private limit = 0;
  private readonly running = new Set<Promise<void>>();

  /** Runs `names` with `runner`, at most `limit` batches at once (beyond it, the relay's way). */
  enable(names: JobName[], runner: LocalJobRunner, limit: number): void {
    this.names = new Set(names);
    this.runner = runner;
    this.limit = limit;
  }

  disable(): void {
    this.runner = null;
    this.names = new Set();
  }

  /** Whether a job of this name written now would run here. */
  accepts(name: JobName): boolean {
    return this.runner !== null && this.names.has(name) && this.running.size < this.limit;
  }

  /**
   * Runs one transaction's jobs in the background, one after another in the order written (a
   * later message of a conversation waits for an earlier one). Errors are the runner's to handle;
   * anything it lets through is logged, and the held row is left to the relay.
   */
  start(jobs: LocalJob[]): void {
    const runner = this.runner;
    if (!runner || jobs.length === 0) return;
    const run = (async () => {
      for (const job of jobs)
        await runner(job).catch((err: Error) =>
          this.logger.warn(`${job.name} ${job.id} left to the relay: ${err.message}`),
        );
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Waits for the jobs running (at shutdown, after the consumers stopped taking new ones). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
