import { Injectable, Logger } from '@nestjs/common';

import { type JobName } from './queue-names';

/** A job its writer runs itself, right after the transaction that wrote it committed. */
export interface LocalJob {
  /** Its outbox row's id (its jobId should it go to its queue after all). */
  id: string;
  name: JobName;
  propertyId: string;
  payload: Record<string, unknown>;
  /** What the job's handler prepared in the transaction that wrote it (`prepareWhereWritten`). */
  prepared?: unknown;
}

/** Runs a job; resolves once it ran or was handed to its queue, rejects when neither happened. */
export type LocalJobRunner = (job: LocalJob) => Promise<void>;

/**
 * A job's first steps, in the transaction writing it (its handler's `prepareWhereWritten`);
 * undefined when the handler has none.
 */
export type LocalJobPreparer = (name: JobName, payload: Record<string, unknown>) => Promise<unknown>;

/**
 * How long the outbox row of a job run where it was written is held from the relay: well past the
 * longest run allowed (below), so that the relay never publishes a job whose run is still going.
 */
export const LOCAL_JOB_HOLD_MS = 120_000;

/**
 * A transaction's jobs run where written only when it wrote at most this many (a reply, a holding
 * line): a batch (an idle sweep's notices) goes to its queue, which runs it in parallel and
 * whose job locks keep a run single.
 */
export const LOCAL_JOBS_PER_TRANSACTION = 3;

/**
 * A job whose run would start later than this after its commit (a process too busy to get to it)
 * goes to its queue instead. With at most LOCAL_JOBS_PER_TRANSACTION jobs each bounded by a
 * provider call's timeout, every run is over long before its row's hold.
 */
export const LOCAL_JOB_START_WITHIN_MS = 30_000;

/**
 * Jobs the worker runs where they were written instead of through BullMQ: the send of a reply the
 * concierge has just written, which a guest is waiting for (a queue round, its Redis commands and
 * its wake-ups less). The outbox row is written with the transaction as always, held for
 * LOCAL_JOB_HOLD_MS; once the transaction commits, the runner (WorkerHost) runs the job, or hands
 * it to its queue when it fails or must wait, and the row is marked published. Should the process
 * die first, the relay publishes the row when the hold is over. Off unless a worker enables it
 * (the api runs no jobs); at most `limit` transactions' jobs run at once, and beyond that their
 * rows take the queue's way. Once disabled (shutdown), jobs not yet started go to their queue.
 */
@Injectable()
export class LocalJobs {
  private readonly logger = new Logger(LocalJobs.name);
  private runner: LocalJobRunner | null = null;
  private handOver: LocalJobRunner | null = null;
  private preparer: LocalJobPreparer | null = null;
  private names = new Set<JobName>();
  private limit = 0;
  private readonly running = new Set<Promise<void>>();

  /**
   * Runs jobs named `names` with `runner`; `handOver` puts one in its queue instead; `prepare`
   * takes a job's first steps in the transaction that writes it.
   */
  enable(
    names: readonly JobName[],
    runner: LocalJobRunner,
    handOver: LocalJobRunner,
    limit: number,
    prepare: LocalJobPreparer | null = null,
  ): void {
    this.names = new Set(names);
    this.runner = runner;
    this.handOver = handOver;
    this.limit = limit;
    this.preparer = prepare;
  }

  disable(): void {
    this.runner = null;
    this.preparer = null;
    this.names = new Set();
  }

  /**
   * The first steps of a job about to commit to run here, taken now, in the writing transaction
   * (see JobHandler.prepareWhereWritten); undefined when there are none to take. A failure leaves
   * them to the run: a statement that failed has aborted the transaction, which then does not
   * commit, and anything else the run meets again on its own.
   */
  async prepare(name: JobName, payload: Record<string, unknown>): Promise<unknown> {
    if (!this.preparer || !this.names.has(name)) return undefined;
    try {
      return await this.preparer(name, payload);
    } catch (err) {
      // Unexpected either way; should a statement have failed, this is the error behind the rollback.
      this.logger.warn(`${name} not prepared where written: ${(err as Error)?.message ?? String(err)}`);
      return undefined;
    }
  }

  /** Whether `count` jobs of this name written now by one transaction would run here. */
  accepts(name: string, count = 1): boolean {
    return (
      this.runner !== null &&
      this.names.has(name as JobName) &&
      count <= LOCAL_JOBS_PER_TRANSACTION &&
      this.running.size < this.limit
    );
  }

  /**
   * Runs one transaction's jobs in the background, one after another in the order written (a
   * later message of a conversation waits for an earlier one); `settled` gets the ids of those
   * that ran or went to their queue. A job the runner could do neither with is logged, and its
   * held row left to the relay. A job not yet started when this process stops running jobs, or
   * too late to start (LOCAL_JOB_START_WITHIN_MS), goes to its queue. False, and nothing started,
   * when this process runs no jobs (any more): the caller publishes them instead.
   */
  start(jobs: LocalJob[], settled: (ids: string[]) => void): boolean {
    const handOver = this.handOver;
    if (!this.runner || !handOver) return false;
    if (jobs.length === 0) return true;
    const committedAt = Date.now();
    const run = (async () => {
      const done: string[] = [];
      try {
        for (const job of jobs) {
          const late = Date.now() - committedAt > LOCAL_JOB_START_WITHIN_MS;
          const runner = this.runner && !late ? this.runner : handOver;
          await runner(job).then(
            () => done.push(job.id),
            (err: unknown) =>
              this.logger.warn(
                `${job.name} ${job.id} left to the relay: ${(err as Error)?.message ?? String(err)}`,
              ),
          );
        }
      } finally {
        settled(done);
      }
    })();
    this.running.add(run);
    void run.catch(() => undefined).finally(() => this.running.delete(run));
    return true;
  }

  /** Waits for the jobs running (at shutdown, once the consumers stopped taking new ones). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
