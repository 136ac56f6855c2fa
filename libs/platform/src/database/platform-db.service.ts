import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Access to the platform directory (organizations, properties, users, memberships, sessions):
 * tables that are read before any property context exists. Tenant tables are invisible here.
 */
@Injectable()
export class PlatformDb {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
