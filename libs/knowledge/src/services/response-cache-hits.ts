import { TenantDb } from '@app/platform';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';

import { type CacheHits, ResponseCacheRepository } from '../repositories/response-cache.repository';

/** How often a process writes the cache hits it counted (one statement per property). */
export const CACHE_HITS_WRITE_MS = 1000;
/** Cached answers a process keeps counts for while the database does not take them; beyond, hits go uncounted. */
export const CACHE_HITS_PENDING_MAX = 10_000;

/**
 * Counts the hits on cached answers (knowledge.response_cache's hit_count and last_hit_at) and
 * writes them once a second, one statement per property, in transactions of their own. Counting
 * them where the answer was read, as an update of its row, made every guest message that asked a
 * popular question wait for the transactions of the others asking it (the row's lock is held until
 * commit). A hit counts once the transaction that read it has committed (at once where the caller
 * commits: TenantDb.within). The counts are statistics, and approximate in three ways: the hits of
 * the last second are lost should the process die before writing them (the api and the worker
 * write theirs at shutdown, before the database pool closes); a write that fails (the database
 * unavailable, or a deadlock with another process's write) is kept in memory, up to
 * CACHE_HITS_PENDING_MAX answers, and tried again with the next; and a write whose commit was
 * not confirmed is tried again too, so its hits may count twice.
 */
@Injectable()
export class ResponseCacheHits implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(ResponseCacheHits.name);
  /** Counted and not yet written: by property, by cached answer (its id and version). */
  private pending = new Map<string, Map<string, CacheHits>>();
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly db: TenantDb,
    private readonly cache: ResponseCacheRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.write(), CACHE_HITS_WRITE_MS);
    this.timer.unref();
  }

  /** Counts a hit on an answer (`version`, read at `seenAt`) once the current property transaction has committed. */
  count(propertyId: string, id: string, version: string, seenAt: string): void {
    const add = () => this.add(propertyId, [{ id, version, count: 1, seenAt }]);
    if (!this.db.afterCommit(() => Promise.resolve(add()))) add();
  }

  /** Writes the hits counted so far (also called by the timer); one write at a time. */
  write(): Promise<void> {
    this.writing ??= this.writePending().finally(() => (this.writing = null));
    return this.writing;
  }

  /** Stops the writes once a second (at shutdown); `write` still writes. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    await this.write();
  }

  /** Hits counted since (requests and runs that ended meanwhile). */
  async onApplicationShutdown(): Promise<void> {
    await this.write();
  }

  private add(propertyId: string, hits: CacheHits[]): void {
    let counted = this.pending.get(propertyId);
    for (const hit of hits) {
      const key = `${hit.id} ${hit.version}`;
      const kept = counted?.get(key);
      if (kept) {
        kept.count += hit.count;
        // Fixed-width UTC text: its order is the time's.
        if (hit.seenAt > kept.seenAt) kept.seenAt = hit.seenAt;
        continue;
      }
      if (this.size >= CACHE_HITS_PENDING_MAX) continue;
      if (!counted) this.pending.set(propertyId, (counted = new Map<string, CacheHits>()));
      counted.set(key, { ...hit });
      this.size += 1;
    }
  }

  private async writePending(): Promise<void> {
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    this.size = 0;
    for (const [propertyId, counted] of pending) {
      const hits = [...counted.values()];
      try {
        await this.db.run({ propertyId }, () => this.cache.addHits(propertyId, hits));
        this.failing = false;
      } catch (err) {
        // Kept for the next write; said once until a write succeeds again.
        this.add(propertyId, hits);
        if (!this.failing)
          this.logger.warn(
            `cache hits not written, kept for later: ${(err as Error)?.message ?? String(err)}`,
          );
        this.failing = true;
      }
    }
  }
}
