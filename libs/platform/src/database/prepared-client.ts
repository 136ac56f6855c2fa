import { createHash } from 'node:crypto';
import { type Writable } from 'node:stream';

import { Client, type ClientConfig, type QueryConfig } from 'pg';

/** Distinct statements one connection prepares at most; any beyond go unprepared. */
export const PREPARED_STATEMENTS_MAX = 1000;

/** PostgreSQL's answer when a prepared statement's result columns changed under it (a migration). */
const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

/**
 * The pool's connection: every parameterized statement it runs becomes a named prepared
 * statement of that connection, so PostgreSQL parses it once per connection and, from the sixth
 * run on, may reuse a generic plan instead of planning again (`plan_cache_mode` decides, per
 * statement, whether the generic plan is as good). Planning was over a third of the database's
 * time per guest message (bench/concierge).
 *
 * The name is a digest of the text, so the same text always finds its statement. Statements
 * without parameters (simple protocol: `start transaction; …`, DDL) are left as they are, as are
 * the ones past PREPARED_STATEMENTS_MAX distinct texts (dynamic SQL cannot fill the server's
 * memory). Should a schema change alter a statement's result columns, PostgreSQL refuses the
 * cached statement once: that run fails (as any statement may) and the next one prepares anew
 * under a new name.
 *
 * With `pipeline: true` (the pool's setting) a statement goes out as soon as it is asked for,
 * without waiting for the answers to the ones before it: PostgreSQL runs them in order, each
 * with its own Sync, so an error fails only its own statement (and, in a transaction, the ones
 * after it, as always). The statements asked for in one turn of the event loop also leave in one
 * write: the socket is corked at the first and uncorked once the turn's callbacks have run. On
 * these machines a write that wakes PostgreSQL costs more than the statement it carries.
 */
export class PreparedStatementsClient extends Client {
  private readonly names = new Map<string, string>();
  private generation = 0;
  private corked = false;

  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      this.corkForThisTurn();
      const [text, values, callback] = args;
      const name =
        typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined
          ? this.nameOf(text)
          : undefined;
      if (!name) return query(...args);
      const config: QueryConfig = { name, text: text as string, values: values as unknown[] };
      return (query(config) as Promise<unknown>).catch((err: Error) => {
        if (RESULT_TYPE_CHANGED.test(err.message)) this.forget(text as string);
        throw err;
      });
    }) as Client['query'];
  }

  /** Pipelined statements asked for in this turn of the event loop leave together. */
  private corkForThisTurn(): void {
    if (!this.pipeline || this.corked) return;
    const stream = (this as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    if (!stream?.cork || !stream.writable) return;
    this.corked = true;
    stream.cork();
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  private nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= PREPARED_STATEMENTS_MAX) return known;
    const name = `butler_${this.generation}_${createHash('sha1').update(text).digest('base64url')}`;
    this.names.set(text, name);
    return name;
  }

  /** The statement is prepared again, under a new name, the next time it runs. */
  private forget(text: string): void {
    this.names.delete(text);
    this.generation += 1;
  }
}
