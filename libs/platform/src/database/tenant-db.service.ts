import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClsService } from 'nestjs-cls';
import { type PoolClient } from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

import { TenantContextMissingError } from '../errors/app-exception';
import { type TenantTransaction } from '../tenancy/tenant-context';
import { directManager } from './direct-manager';
import { assertUuid } from './uuid';

export interface TenantScope {
  propertyId: string;
  userId?: string | null;
}

/**
 * Runs tenant work in one transaction that opens with the transaction-local `app.property_id`
 * (and `app.user_id`) set. Row-level security reads that setting, so a query outside `run` sees
 * no tenant rows at all. Repositories take their EntityManager from `manager`, never from an
 * injected repository.
 */
@Injectable()
export class TenantDb {
  private readonly logger = new Logger(TenantDb.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cls: ClsService,
  ) {}

  async run<T>(scope: TenantScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    assertUuid(scope.propertyId, 'propertyId');
    if (scope.userId) assertUuid(scope.userId, 'userId');
    const current = this.cls.isActive() ? this.cls.get<TenantTransaction | undefined>('tenantTx') : undefined;
    if (current) {
      if (current.propertyId !== scope.propertyId) {
        throw new TenantContextMissingError('A property transaction cannot nest another property');
      }
      return work(current.manager);
    }
    const runner = this.dataSource.createQueryRunner();
    const afterCommit: (() => Promise<void>)[] = [];
    const trailing: Promise<unknown>[] = [];
    let result: T;
    try {
      const begun = await this.begin(runner, scope);
      try {
        result = await this.scoped(directManager(runner, begun.client), scope, work, {
          afterCommit,
          trailing,
        });
      } catch (err) {
        // Its error, if any, explains the work's (which then ran outside the property: no rows, no writes).
        await begun.answered;
        throw err;
      }
      // Work that waited for no answer (it only left trailing statements) commits in the write
      // that opened it; the opening's answer is read with the COMMIT's.
      await this.commit(runner, trailing, begun.answered);
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
    // Committed: what these steps do is best effort and can no longer fail the work.
    for (const step of afterCommit) await step().catch(() => undefined);
    return result;
  }

  /**
   * Opens the transaction and scopes it in one round trip: START TRANSACTION and the set_config
   * travel as one simple-protocol query (both ids are checked UUIDs, so inlining them is safe).
   * The runner then holds the transaction as if TypeORM had opened it (depth 1: a nested
   * `manager.transaction` takes a savepoint; rollback is TypeORM's own, commit is `commit` here).
   *
   * The query is handed to the pooled connection directly, ahead of anything the work asks, and
   * not waited for: on a pipelined connection the work's first statement leaves with it, in the
   * same write. Resolves once it is queued, with its answer still to come (`answered`).
   */
  private async begin(
    runner: QueryRunner,
    scope: TenantScope,
  ): Promise<{ answered: Promise<void>; client: PoolClient }> {
    assertUuid(scope.propertyId, 'propertyId');
    const userId = scope.userId ?? '';
    if (userId) assertUuid(userId, 'userId');
    const client = (await runner.connect()) as PoolClient;
    // Marked open first: should the round trip fail halfway, run() rolls back before release.
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    const sent = client.query(
      `start transaction; select set_config('app.property_id', '${scope.propertyId}', true), ` +
        `set_config('app.user_id', '${userId}', true)`,
    );
    const answered = sent.then(() => undefined);
    answered.catch(() => undefined); // awaited by run(); not an unhandled rejection meanwhile
    return { answered, client };
  }

  /**
   * Commits. The COMMIT leaves behind the trailing statements without waiting for their answers
   * (one wait for all on the pipelined connection), and its own answer decides: PostgreSQL answers
   * a transaction in which a statement failed with a rollback, and then nothing was saved, so
   * run() throws (that statement's error, when it was a trailing one). A trailing statement that
   * failed before it reached PostgreSQL (its arguments could not be sent) left the rest committed:
   * that is logged, not thrown, since the committed work must not be retried.
   */
  private async commit(
    runner: QueryRunner,
    trailing: Promise<unknown>[],
    opened: Promise<void>,
  ): Promise<void> {
    // On the connection itself: its answer says whether PostgreSQL committed or rolled back.
    const client = (await runner.connect()) as PoolClient;
    const [answer, ...settled] = await Promise.allSettled([client.query('commit'), ...trailing]);
    // A failed opening explains the rest (the work then ran outside the property).
    await opened;
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (answer.status === 'rejected') throw failed?.reason ?? answer.reason;
    Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
    if (answer.value.command !== 'COMMIT')
      throw failed?.reason ?? new Error('the transaction was rolled back: one of its statements failed');
    if (failed)
      this.logger.error(
        `a statement that did not reach the database left the rest of its transaction committed: ${(failed.reason as Error).message}`,
      );
  }

  /**
   * Scopes an already-open transaction to a property (e.g. signup, which creates the property
   * and its first tenant rows in one transaction).
   */
  async within<T>(
    manager: EntityManager,
    scope: TenantScope,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    assertUuid(scope.propertyId, 'propertyId');
    await manager.query(
      `select set_config('app.property_id', $1, true), set_config('app.user_id', $2, true)`,
      [scope.propertyId, scope.userId ?? ''],
    );
    return this.scoped(manager, scope, work);
  }

  /**
   * Runs `work` as the current property transaction, then the steps it left for the end of the
   * transaction (`beforeCommit`: the outbox's buffered rows), still inside it.
   */
  private scoped<T>(
    manager: EntityManager,
    scope: TenantScope,
    work: (manager: EntityManager) => Promise<T>,
    owned?: { afterCommit: (() => Promise<void>)[]; trailing: Promise<unknown>[] },
  ): Promise<T> {
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      const tx: TenantTransaction = {
        propertyId: scope.propertyId,
        userId: scope.userId ?? null,
        manager,
        beforeCommit: [],
        afterCommit: owned?.afterCommit,
        trailing: owned?.trailing,
        memo: new Map(),
      };
      this.cls.set('tenantTx', tx);
      try {
        const result = await work(manager);
        for (let i = 0; i < tx.beforeCommit.length; i++) await tx.beforeCommit[i]();
        return result;
      } finally {
        this.cls.set('tenantTx', undefined);
      }
    });
  }

  /**
   * Runs `step` at the end of the current property transaction, before it commits (in the order
   * asked); throws outside one.
   */
  beforeCommit(step: () => Promise<void>): void {
    this.current().beforeCommit.push(step);
  }

  /**
   * Runs `step` once the current property transaction has committed, outside it, best effort (its
   * failure is ignored: it must deal with its own errors). False, and nothing is kept, when this
   * transaction's commit is the caller's (`within`); throws outside a transaction.
   */
  afterCommit(step: () => Promise<void>): boolean {
    const steps = this.current().afterCommit;
    if (!steps) return false;
    steps.push(step);
    return true;
  }

  /**
   * A statement of the current property transaction that the work does not wait for: nothing
   * after it in the transaction reads what it writes, and its answer, if wanted, is read once the
   * transaction has committed (the returned promise). The COMMIT is sent behind it without
   * waiting, one wait for both; should it fail, the transaction rolls back and run() throws its
   * error. Where the caller commits (`within`), it is waited for at the end of the work instead.
   * Throws outside a transaction.
   */
  trailing<T>(statement: Promise<T>): Promise<T> {
    const tx = this.current();
    statement.catch(() => undefined); // checked with the commit; not an unhandled rejection meanwhile
    if (tx.trailing) tx.trailing.push(statement);
    else tx.beforeCommit.push(async () => void (await statement));
    return statement;
  }

  /**
   * One statement that is its own transaction and scopes itself: a SECURITY INVOKER function that
   * finds the property (a webhook's route), sets it with a transaction-local set_config and only
   * then writes, so row-level security applies as in `run`. One round trip where `run` needs
   * START TRANSACTION, set_config, the work and COMMIT. Refused inside a property transaction,
   * whose property the statement's set_config would change.
   */
  async selfScoped<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.cls.isActive() && this.cls.get<TenantTransaction | undefined>('tenantTx')) {
      throw new TenantContextMissingError('A self-scoped statement cannot run inside a property transaction');
    }
    return this.dataSource.query<T[]>(sql, params);
  }

  /** The EntityManager of the surrounding property transaction; throws outside one. */
  get manager(): EntityManager {
    return this.current().manager;
  }

  get propertyId(): string {
    return this.current().propertyId;
  }

  private current() {
    const tx = this.cls.isActive() ? this.cls.get<TenantTransaction | undefined>('tenantTx') : undefined;
    if (!tx) throw new TenantContextMissingError();
    return tx;
  }
}
