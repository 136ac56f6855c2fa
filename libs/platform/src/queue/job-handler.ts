import { SetMetadata } from '@nestjs/common';
import { type Job } from 'bullmq';

import { type JobName } from './queue-names';

export const JOB_HANDLER = Symbol('butler:job-handler');

/**
 * `property` handlers run inside TenantDb.run keyed by the payload's propertyId (payloads without
 * one are rejected); `property-steps` handlers get the same check but open their own property
 * transactions (a row must commit before a call to a provider, and the result after it);
 * `platform` handlers do cross-property work and fan out per property.
 */
export type JobScope = 'property' | 'property-steps' | 'platform';

export interface JobHandlerMeta {
  name: JobName;
  scope: JobScope;
}

export interface PropertyJobPayload {
  propertyId: string;
}

export interface JobHandler<P = unknown> {
  /**
   * `prepared`: what `prepareWhereWritten` returned, when the job runs where it was written and
   * was prepared in the transaction that wrote it.
   */
  handle(payload: P, job: Job<P>, prepared?: unknown): Promise<unknown>;
  /**
   * For a job run where it was written (LocalJobs): its first steps, taken inside the transaction
   * that wrote it, just before that commits (reads that see what the transaction wrote, writes
   * that commit with it), so that the run needs no transaction of its own to begin with. What it
   * returns reaches `handle` as `prepared`; undefined leaves the run to do them itself.
   */
  prepareWhereWritten?(payload: P): Promise<unknown>;
}

/** Marks a provider as the one handler of a job. */
export const HandlesJob = (name: JobName, scope: JobScope = 'property') =>
  SetMetadata(JOB_HANDLER, { name, scope } satisfies JobHandlerMeta);

/**
 * Thrown by a handler that cannot go on yet (a rate limit, an earlier message still on its way):
 * the job goes back to the delayed set for `delayMs` without using up an attempt and frees its
 * worker slot meanwhile.
 */
export class DeferJob extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(`deferred ${delayMs} ms: ${reason}`);
    this.name = 'DeferJob';
  }
}
