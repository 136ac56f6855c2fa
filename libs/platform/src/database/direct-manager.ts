import { type PoolClient, type QueryResult } from 'pg';
import {
  type EntityManager,
  QueryFailedError,
  type QueryRunner,
  QueryRunnerAlreadyReleasedError,
} from 'typeorm';

/**
 * The EntityManager of a property transaction, whose `query` hands a statement straight to the
 * transaction's pooled connection. TypeORM's own way there (EntityManager, DataSource, QueryRunner)
 * takes several awaits and a broadcast of query events per statement, which no one here listens
 * to (the data source has no entities and no subscribers). The answer keeps TypeORM's shape (the
 * rows; `[rows, count]` for UPDATE and DELETE), a failure is TypeORM's QueryFailedError, as the
 * repositories and the error mapping expect, and a released runner refuses as TypeORM's does: its
 * connection may be another transaction's by then. Everything else is the runner's own manager.
 */
export function directManager(runner: QueryRunner, client: PoolClient): EntityManager {
  const query = async (sql: string, parameters?: unknown[]): Promise<unknown> => {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    let raw: QueryResult;
    try {
      raw = await client.query(sql, parameters);
    } catch (err) {
      throw new QueryFailedError(sql, parameters, err as Error);
    }
    return raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows;
  };
  return Object.create(runner.manager, { query: { value: query } }) as EntityManager;
}
