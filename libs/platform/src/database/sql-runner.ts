/** Anything that runs parameterized SQL: an EntityManager, a DataSource or PlatformDb. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Rows of a SELECT or `… RETURNING` (TypeORM returns [rows, count] for UPDATE/DELETE). */
export async function rowsOf<T>(result: Promise<unknown>): Promise<T[]> {
  const value = await result;
  if (Array.isArray(value) && value.length === 2 && Array.isArray(value[0]) && typeof value[1] === 'number') {
    return value[0] as T[];
  }
  return value as T[];
}

/** Affected-row count of an UPDATE or DELETE run through TypeORM. */
export async function affectedOf(result: Promise<unknown>): Promise<number> {
  const value = await result;
  return Array.isArray(value) && typeof value[1] === 'number' ? value[1] : 0;
}
