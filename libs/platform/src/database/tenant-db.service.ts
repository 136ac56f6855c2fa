import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ClsService } from 'nestjs-cls';
import { DataSource, type EntityManager } from 'typeorm';

import { TenantContextMissingError } from '../errors/app-exception';
import { type TenantTransaction } from '../tenancy/tenant-context';
import { assertUuid } from './uuid';

export interface TenantScope {
  propertyId: string;
  userId?: string | null;
}

/**
 * Runs tenant work in one transaction whose first statement sets the transaction-local
 * `app.property_id` (and `app.user_id`) with a parameterized set_config. Row-level security reads
 * that setting, so a query outside `run` sees no tenant rows at all. Repositories take their
 * EntityManager from `manager`, never from an injected repository.
 */
@Injectable()
export class TenantDb {
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
    return this.dataSource.transaction((manager) => this.within(manager, scope, work));
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
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      this.cls.set('tenantTx', { propertyId: scope.propertyId, userId: scope.userId ?? null, manager });
      try {
        return await work(manager);
      } finally {
        this.cls.set('tenantTx', undefined);
      }
    });
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
