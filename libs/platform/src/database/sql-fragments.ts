/**
 * A timestamptz column selected as ISO 8601 text in UTC with millisecond precision
 * (`2027-01-05T10:00:00.000Z`), exactly what `Date.prototype.toISOString` writes, so values can be
 * compared as strings with data that came from JavaScript.
 */
export function isoUtc(column: string, alias: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "${alias}"`;
}

/**
 * A timestamptz as ISO 8601 text in UTC at full (microsecond) precision: the sort key a keyset
 * cursor carries, so a row never sorts after its own cursor (a JS Date would drop microseconds).
 */
export function cursorKeyUtc(expression: string, alias: string): string {
  return `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ${alias}`;
}
