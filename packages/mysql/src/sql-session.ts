import { stepTimeoutMs } from '@rotation-lambdas/core';
import type mysql from 'mysql2/promise';
import { parseServerFacts, type ServerFacts } from './server-facts.js';
import { literal, type Statement, UnexpectedServerDataError } from './sql.js';

/** The part of a mysql2 promise connection the adapter uses (a fake in unit tests). */
type MysqlConnection = Pick<mysql.Connection, 'query' | 'end' | 'destroy' | 'on'>;

/** A row as mysql2 returns it: column alias → value (string, number, Buffer for BLOBs, null). */
type Row = Readonly<Record<string, unknown>>;

/** A column value as text: BLOB columns (ssl_cipher, x509_*) arrive as Buffers, NULL as ''. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** One logged-in connection: queries with a timeout, statements, and the server's facts read once. */
class SqlSession {
  readonly #connection: MysqlConnection;
  readonly #timeoutMs: number;
  #facts: Promise<ServerFacts> | undefined;
  /** A statement got no answer (timed out, connection lost): the connection can no longer say goodbye. */
  #broken = false;

  constructor(connection: MysqlConnection, timeoutMs: number) {
    this.#connection = connection;
    this.#timeoutMs = timeoutMs;
  }

  /** Rows of a read query; `values` are escaped into the `?` placeholders by the driver. */
  async rows(sql: string, values: readonly unknown[] = []): Promise<Row[]> {
    try {
      const [rows] = await this.#connection.query({ sql, values: [...values], timeout: stepTimeoutMs(this.#timeoutMs) });
      return rows as Row[];
    } catch (error) {
      this.#noteFailure(error);
      throw error;
    }
  }

  /** Runs a statement; returns false when it was skipped because the object it names is gone (`skipOn`). */
  async execute(statement: Statement): Promise<boolean> {
    try {
      await this.#connection.query({ sql: statement.sql, timeout: stepTimeoutMs(this.#timeoutMs) });
      return true;
    } catch (error) {
      const errno = errnoOf(error);
      if (errno !== undefined && statement.skipOn?.includes(errno)) return false;
      this.#noteFailure(error);
      throw error;
    }
  }

  /**
   * The server's flavour, version and sql_mode, read on first use. The driver escapes quotes with backslashes,
   * which NO_BACKSLASH_ESCAPES would turn into literal text (and an injection); the mode is dropped for this
   * session before any escaped value is sent.
   */
  facts(): Promise<ServerFacts> {
    this.#facts ??= (async () => {
      const [row] = await this.rows('SELECT VERSION() AS version, @@version_comment AS comment, @@SESSION.sql_mode AS sqlMode');
      const facts = parseServerFacts(text(row?.version), text(row?.comment), text(row?.sqlMode));
      if (facts === undefined) throw new UnexpectedServerDataError('The server reported a version this adapter does not recognise');
      const modes = facts.sqlMode.split(',').filter((mode) => mode !== '');
      if (modes.includes('NO_BACKSLASH_ESCAPES')) {
        const kept = modes.filter((mode) => mode !== 'NO_BACKSLASH_ESCAPES').join(',');
        // Mode names hold no quote or backslash, so this literal reads the same with or without the mode.
        await this.execute({ sql: `SET SESSION sql_mode = ${literal(kept)}` });
      }
      return facts;
    })();
    return this.#facts;
  }

  /** Server errors carry an errno; anything else means the statement never got an answer. */
  #noteFailure(error: unknown): void {
    if (errnoOf(error) === undefined) this.#broken = true;
  }

  /**
   * Ends the session. After a statement that got no answer, the driver would queue the goodbye behind it
   * forever, so the socket is closed outright; a goodbye that takes longer than a statement may is cut short
   * the same way. Nothing is left to undo either way: every statement has committed or never ran.
   */
  async close(): Promise<void> {
    if (!this.#broken) {
      let timer: NodeJS.Timeout | undefined;
      const ended = this.#connection.end().then(
        () => true,
        () => false,
      );
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), stepTimeoutMs(this.#timeoutMs));
      });
      const clean = await Promise.race([ended, timedOut]);
      clearTimeout(timer);
      if (clean) return;
    }
    this.#connection.destroy();
  }
}

export { errnoOf, SqlSession, text };
export type { MysqlConnection, Row };
