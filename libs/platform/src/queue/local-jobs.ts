import { Injectable, Logger } from '@nestjs/common';

import { type JobName } from './queue-names';

/** A job its writer runs itself, right after the transaction that wrote it committed. */
export interface LocalJob {
  /** Its outbox row's id (its jobId should it go to its queue after all). */
  id: string;
  name: JobName;
  propertyId: string;
  payload: Record<string, unknown>;
}

/** Runs a job; resolves once it ran or was handed to its queue, rejects when neither happened. */
export type LocalJobRunner = (job: LocalJob) => Promise<void>;

/**
 * How long the outbox row of a job run where it was written is held from the relay: well past a
 * provider call's timeout, so that the relay never publishes a job whose run is still going.
 */
export const LOCAL_JOB_HOLD_MS = 120_000;

/**
 * Jobs the worker runs where they were written instead of through BullMQ: the send of a reply the
 * concierge has just written, which a guest is waiting for (a queue round, its Redis commands and
 * its wake-ups less). The outbox row is written with the transaction as always, held for
 * LOCAL_JOB_HOLD_MS; once the transaction commits, the runner (WorkerHost) runs the job, or hands
 * it to its queue when it fails or must wait, and the row is marked published. Should the process
 * die first, the relay publishes the row when the hold is over. Off unless a worker enables it
 * (the api runs no jobs); at most `limit` transactions' jobs run at once, and beyond that their
 * rows take the queue's way.
 */
@Injectable()
export class LocalJobs {
  private readonly logger = new Logger(LocalJobs.name);
  private runner: LocalJobRunner | null = null;
  private names = new Set<JobName>();
  private limit = 0;
  private readonly running = new Set<Promise<void>>();

  enable(names: readonly JobName[], runner: LocalJobRunner, limit: number): void {
    this.names = new Set(names);
    this.runner = runner;
    this.limit = limit;
  }

  disable(): void {
    this.runner = null;
    this.names = new Set();
  }

  /** Whether a job of this name written now would run here. */
  accepts(name: string): boolean {
    return this.runner !== null && this.names.has(name as JobName) && this.running.size < this.limit;
  }

  /**
   * Runs one transaction's jobs in the background, one after another in the order written (a
   * later message of a conversation waits for an earlier one); `settled` gets the ids of those
   * that ran or went to their queue. A job the runner could do neither with is logged, and its
   * held row left to the relay. False, and nothing started, when this process no longer runs jobs
   * (shutting down): the caller publishes them instead.
   */
  start(jobs: LocalJob[], settled: (ids: string[]) => void): boolean {
    const runner = this.runner;
    if (!runner) return false;
    if (jobs.length === 0) return true;
    const run = (async () => {
      const done: string[] = [];
      for (const job of jobs) {
        await runner(job).then(
          () => done.push(job.id),
          (err: Error) => this.logger.warn(`${job.name} ${job.id} left to the relay: ${err.message}`),
        );
      }
      settled(done);
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return true;
  }

  /** Waits for the jobs running (at shutdown, once the consumers stopped taking new ones). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
