import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClsService } from 'nestjs-cls';
import { DataSource, type EntityManager } from 'typeorm';

import { type TenantTransaction } from '../tenancy/tenant-context';
import { affectedOf, rowsOf, type SqlRunner } from './sql-runner';

/**
 * Access to the platform directory (organizations, properties, users, memberships, sessions):
 * tables read before any property context exists. Inside a property transaction it joins that
 * transaction, so a directory write and its audit row commit together.
 */
@Injectable()
export class PlatformDb {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cls: ClsService,
  ) {}

  /** Rows of a SELECT or `… RETURNING` statement. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return rowsOf<T>(this.runner().query(sql, params));
  }

  /** Affected-row count of an UPDATE or DELETE. */
  execute(sql: string, params: unknown[] = []): Promise<number> {
    return affectedOf(this.runner().query(sql, params));
  }

  /**
   * Inside a property transaction, `load`s a directory row once for the whole transaction (a
   * property's settings and time zone are read by several contexts per guest message); outside
   * one, every time. Callers that ask while the first load is under way share it (so a caller can
   * ask early, alongside its other reads, and those after it wait for no round trip of their own);
   * a load that failed is not kept. Writers `forget` what they change.
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const tx = this.tenantTx();
    if (!tx) return load();
    const kept = tx.memo.get(key) as Promise<T> | undefined;
    if (kept) return kept;
    const loading = load();
    tx.memo.set(key, loading);
    loading.catch(() => {
      if (tx.memo.get(key) === loading) tx.memo.delete(key);
    });
    return loading;
  }

  forget(key: string): void {
    this.tenantTx()?.memo.delete(key);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const tx = this.tenantTx();
    return tx ? work(tx.manager) : this.dataSource.transaction(work);
  }

  /** The surrounding property transaction, if any. */
  private tenantTx(): TenantTransaction | undefined {
    return this.cls.isActive() ? this.cls.get<TenantTransaction | undefined>('tenantTx') : undefined;
  }

  private runner(): SqlRunner {
    return this.tenantTx()?.manager ?? this.dataSource;
  }
}
