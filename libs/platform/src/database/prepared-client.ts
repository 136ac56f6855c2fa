import { createHash } from 'node:crypto';
import { type Writable } from 'node:stream';

import { Client, type ClientConfig, type FieldDef, Query, type QueryConfig, type QueryResult } from 'pg';

/** Distinct statements one connection prepares at most; any beyond go unprepared. */
export const PREPARED_STATEMENTS_MAX = 1000;

/** PostgreSQL's answer when a prepared statement's result columns changed under it (a migration). */
const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

/** The wire connection, as far as a query's preparation uses it (pg's Connection). */
interface WireConnection {
  parsedStatements: Record<string, unknown>;
  submittedNamedStatements: Record<string, unknown>;
  parse(message: unknown): void;
  bind(message: unknown): void;
  describe(message: unknown): void;
  execute(message: unknown): void;
  flush(): void;
  sync(): void;
  close(message: unknown): void;
}

/**
 * A connection's view that sends everything pg's preparation of a statement sends but its
 * Describe: one per connection, made at the first run that skips the Describe, and passed to
 * pg's own preparation in place of the connection (which is never changed). Its members are the
 * ones pg 8's Query.prepare uses (parse, bind, describe, execute, flush, sync, close and the two
 * statement registries); the int tests take it through runs, a value pg cannot bind and a
 * statement prepared anew.
 */
const undescribed = new WeakMap<WireConnection, WireConnection>();

function undescribedOf(connection: WireConnection): WireConnection {
  let view = undescribed.get(connection);
  if (!view) {
    view = {
      get parsedStatements() {
        return connection.parsedStatements;
      },
      get submittedNamedStatements() {
        return connection.submittedNamedStatements;
      },
      parse: (message) => connection.parse(message),
      bind: (message) => connection.bind(message),
      describe: () => undefined,
      execute: (message) => connection.execute(message),
      flush: () => connection.flush(),
      sync: () => connection.sync(),
      close: (message) => connection.close(message),
    };
    undescribed.set(connection, view);
  }
  return view;
}

/** What a row description sets on pg's Result (Result.addFields), which a known run sets itself. */
interface ResultInternals {
  fields: FieldDef[];
  _parsers: unknown[] | undefined;
  _prebuiltEmptyResultObject: object | null;
}

/** The parts of pg's Query a statement with known columns overrides (they are not in its typings). */
interface QueryInternals {
  _result: ResultInternals;
  _accumulateRows: boolean;
  prepare(connection: WireConnection): void;
  handleRowDescription(message: { fields: FieldDef[] }): void;
  handleError(err: Error, connection: WireConnection): void;
  handleReadyForQuery(connection: WireConnection): void;
}

const PgQuery = Query as unknown as new (
  config: QueryConfig,
  values: undefined,
  callback: (err: Error | undefined, result: QueryResult) => void,
) => QueryInternals;

/** A statement's result columns; null when it returns no rows (PostgreSQL answered NoData). */
type Columns = FieldDef[] | null;

/**
 * What a connection knows of a statement's result: its columns, and once a run has read rows
 * with them, what pg made of them for reading (a parser per column, the row's empty shape),
 * which later runs take as they are instead of making them again. pg's type parsers are looked
 * up then: ones registered later (`types.setTypeParser`, which this project does not call) would
 * not apply to a statement read before.
 */
interface KnownResult {
  columns: Columns;
  reading?: Pick<ResultInternals, '_parsers' | '_prebuiltEmptyResultObject'>;
}

/**
 * A run of a prepared statement. The first run on a connection asks PostgreSQL to describe the
 * result (pg asks at every run) and, once it has succeeded, hands the columns to `learn`; a run
 * given the columns (`known`) skips the Describe: PostgreSQL sends no row description, and the
 * rows are read with the known columns (the same field objects each time, whose names are object
 * keys V8 already knows). Should the result's columns change under the statement (a migration),
 * PostgreSQL refuses to run it (it checks the columns at every run, described or not) and the
 * statement is prepared, and described, anew. A value pg cannot send makes it close the
 * statement on the server: `closed` says so, and the statement is prepared anew.
 */
class KnownColumnsQuery extends PgQuery {
  private fields: FieldDef[] | null = null;
  private failed = false;

  constructor(
    config: QueryConfig,
    private readonly known: KnownResult | undefined,
    private readonly learn: (columns: Columns) => void,
    private readonly closed: () => void,
    callback: (err: Error | undefined, result: QueryResult) => void,
  ) {
    super(config, undefined, callback);
  }

  override prepare(connection: WireConnection): void {
    if (this.known === undefined) super.prepare(connection);
    else this.prepareDescribed(connection, this.known);
    // pg reports a value it cannot bind at once, and closes the statement it had prepared.
    if (this.failed) this.closed();
  }

  /** pg's own preparation (Bind, Execute, Sync on a statement already described), less the Describe. */
  private prepareDescribed(connection: WireConnection, known: KnownResult): void {
    super.prepare(undescribedOf(connection));
    // Rows (even of no columns) are read as a row description would have had them read.
    if (known.columns && !this.failed) this.describedAs(known.columns, known);
  }

  /** What a row description of `columns` would set (pg's handleRowDescription), from `known` once it has it. */
  private describedAs(columns: FieldDef[], known: KnownResult): void {
    const result = this._result;
    if (!known.reading) {
      super.handleRowDescription({ fields: columns });
      known.reading = {
        _parsers: result._parsers,
        _prebuiltEmptyResultObject: result._prebuiltEmptyResultObject,
      };
      return;
    }
    // A single statement's result, a callback for its rows: as pg's handleRowDescription has it.
    result.fields = columns;
    result._parsers = known.reading._parsers;
    result._prebuiltEmptyResultObject = known.reading._prebuiltEmptyResultObject;
    this._accumulateRows = true;
  }

  override handleRowDescription(message: { fields: FieldDef[] }): void {
    this.fields = message.fields;
    super.handleRowDescription(message);
  }

  override handleError(err: Error, connection: WireConnection): void {
    this.failed = true;
    super.handleError(err, connection);
  }

  override handleReadyForQuery(connection: WireConnection): void {
    if (this.known === undefined && !this.failed) this.learn(this.fields);
    super.handleReadyForQuery(connection);
  }
}

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
 * cached statement: the runs under way fail (as any statement may) and the next one prepares
 * anew under a new name, as after a value pg could not send (pg closes the statement then).
 * pg asks PostgreSQL to describe the result at every run; here only the first successful run of
 * a statement on a connection does, and later runs read their rows with the columns it learnt
 * (KnownColumnsQuery): in the worker the row descriptions had cost about 5% of its time. They
 * also take the parsers pg made for those columns at the first of them, instead of making them
 * again (about 20 µs of a 15-column statement's 110 µs of the client's CPU).
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
  /** The results of the statements run here, by name: later runs skip the Describe. */
  private readonly columns = new Map<string, KnownResult>();
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
      return new Promise<QueryResult>((resolve, reject) => {
        query(
          new KnownColumnsQuery(
            config,
            this.columns.get(name),
            (columns) => this.columns.set(name, { columns }),
            () => this.forget(text as string, name),
            (err, result) => (err ? reject(err) : resolve(result)),
          ),
        );
      }).catch((err: Error) => {
        if (RESULT_TYPE_CHANGED.test(err.message)) this.forget(text as string, name);
        // As pg does: a stack that leads back to the caller, not to the socket's read.
        Error.captureStackTrace(err);
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

  /**
   * The statement is prepared (and described) again, under a new name, the next time it runs.
   * Runs of `name` that were under way when it failed change nothing once it is forgotten.
   */
  private forget(text: string, name: string): void {
    if (this.names.get(text) !== name) return;
    this.columns.delete(name);
    this.names.delete(text);
    this.generation += 1;
  }
}
