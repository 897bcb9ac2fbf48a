import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';

/**
 * SQLite with one writer connection and one reader connection on the same file (WAL mode).
 *
 * Kysely's own SQLite driver serialises every query through its one connection: while a transaction is open
 * (a 1,000,000-row import commit runs for many seconds) nothing else runs, not even `/api/health` or a
 * lookup. Here a transaction holds only the writer. A read-only `select` outside a transaction runs on the
 * reader and sees the last committed state, as it would on PostgreSQL; writes outside a transaction wait
 * their turn for the writer, as before. A long transaction that yields between bounded statements therefore
 * lets reads in.
 *
 * better-sqlite3 is synchronous: each statement holds the event loop while it runs, so the reader can never
 * be used by two statements at once except through an open streaming iterator, which SQLite allows for
 * reads. The reader refuses writes itself (`query_only`), so a statement routed there by mistake fails
 * rather than writes outside its transaction.
 */
export class SqliteRoutingDialect implements Dialect {
  constructor(private readonly connections: { writer: SqliteDatabase; reader: SqliteDatabase | null }) {}

  createDriver(): Driver {
    return new SqliteRoutingDriver(this.connections.writer, this.connections.reader);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

const READ_STATEMENT = /^\s*(select|with)\b/i;

class SqliteRoutingDriver implements Driver {
  private readonly writerMutex = new Mutex();

  constructor(
    private readonly writer: SqliteDatabase,
    private readonly reader: SqliteDatabase | null,
  ) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new RoutedConnection(this.writer, this.reader, this.writerMutex));
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as RoutedConnection;
    await c.pin();
    await c.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutedConnection).unpin();
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    this.reader?.close();
    this.writer.close();
    return Promise.resolve();
  }
}

class RoutedConnection implements DatabaseConnection {
  /** True while this connection holds the writer for a transaction. */
  private pinned = false;

  constructor(
    private readonly writer: SqliteDatabase,
    private readonly reader: SqliteDatabase | null,
    private readonly writerMutex: Mutex,
  ) {}

  async pin(): Promise<void> {
    await this.writerMutex.lock();
    this.pinned = true;
  }

  unpin(): void {
    if (!this.pinned) return;
    this.pinned = false;
    this.writerMutex.unlock();
  }

  /** The statement on the reader when it is a plain read outside a transaction, else null. */
  private readerStatement(sql: string): SqliteStatement | null {
    if (this.pinned || !this.reader || !READ_STATEMENT.test(sql)) return null;
    const stmt = this.reader.prepare(sql) as SqliteStatement & { readonly?: boolean };
    return stmt.reader && stmt.readonly !== false ? stmt : null;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const onReader = this.readerStatement(sql);
    if (onReader) return { rows: onReader.all(parameters) as R[] };
    if (this.pinned) return run<R>(this.writer, sql, parameters);
    await this.writerMutex.lock();
    try {
      return run<R>(this.writer, sql, parameters);
    } finally {
      this.writerMutex.unlock();
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query)) throw new Error('SQLite streams only select queries');
    const onReader = this.readerStatement(sql);
    if (onReader) {
      for (const row of onReader.iterate(parameters)) yield { rows: [row as R] };
      return;
    }
    // A stream inside a transaction, or without a reader: the writer, held for the whole stream.
    const holds = !this.pinned;
    if (holds) await this.writerMutex.lock();
    try {
      for (const row of this.writer.prepare(sql).iterate(parameters)) yield { rows: [row as R] };
    } finally {
      if (holds) this.writerMutex.unlock();
    }
  }
}

function run<R>(db: SqliteDatabase, sql: string, parameters: readonly unknown[]): QueryResult<R> {
  const stmt = db.prepare(sql);
  if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return {
    numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
    insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
    rows: [],
  };
}

/** First come, first served: an async lock that never blocks the event loop. */
class Mutex {
  private waiting: (() => void)[] = [];
  private held = false;

  async lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  unlock(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
