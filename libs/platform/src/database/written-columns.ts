/** How one field of a write maps to a column: its name, or a name plus JSON encoding / a SQL wrapper. */
export type ColumnSpec = string | { column: string; json?: boolean; sql?: (placeholder: string) => string };

export interface WrittenColumns {
  names: string[];
  placeholders: string[];
  values: unknown[];
}

/**
 * The columns a write sets, for INSERT column lists and UPDATE … SET. It walks the column map
 * (never the input's own keys), skips undefined fields, and numbers placeholders from `firstParam`.
 */
export function writtenColumns<W extends object>(
  map: { [K in keyof W]-?: ColumnSpec },
  write: W,
  firstParam: number,
): WrittenColumns {
  const out: WrittenColumns = { names: [], placeholders: [], values: [] };
  for (const key of Object.keys(map) as (keyof W)[]) {
    const value = write[key];
    if (value === undefined) continue;
    const spec = map[key];
    const { column, json, sql } =
      typeof spec === 'string' ? { column: spec, json: false, sql: undefined } : spec;
    const placeholder = `$${firstParam + out.values.length}`;
    out.names.push(column);
    out.placeholders.push(sql ? sql(placeholder) : placeholder);
    out.values.push(json ? JSON.stringify(value) : value);
  }
  return out;
}
