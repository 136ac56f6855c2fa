/**
 * A parameterized WHERE clause built condition by condition: each `?` in a condition becomes the
 * next `$n`. Values never enter the SQL text.
 */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds a condition whose `?` placeholders take `values` in order. */
  where(condition: string, ...values: unknown[]): this {
    let sql = condition;
    for (const value of values) sql = sql.replace('?', this.param(value));
    this.conditions.push(sql);
    return this;
  }

  /** Adds a value and returns its placeholder (for LIMIT and the like). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.conditions.join(' and ');
  }
}
