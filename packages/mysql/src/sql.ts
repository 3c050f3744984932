import { escape as escapeLiteral, escapeId } from 'sql-escaper';

/** A MySQL account: a user name and the host pattern it may connect from. */
interface Account {
  readonly user: string;
  readonly host: string;
}

/** One statement the adapter runs, with what its failure handling needs to know. */
interface Statement {
  readonly sql: string;
  /** The statement carries a password: a failure must not pass on the server's message, which may quote it. */
  readonly secret?: boolean;
  /**
   * Server error numbers that mean the object the statement names is gone (a grant left behind on a dropped
   * table or routine): the statement is skipped, since nothing can be granted on what does not exist.
   */
  readonly skipOn?: readonly number[];
}

/** Thrown when the server reports a value that is not safe to write into a statement (a privilege name, a limit). */
class UnexpectedServerDataError extends Error {}

/**
 * A string literal, escaped as the driver escapes (mysql2's `escape` is sql-escaper's; the session runs without
 * NO_BACKSLASH_ESCAPES, see sql-session.ts).
 */
function literal(value: string): string {
  return escapeLiteral(value);
}

/** A backtick-quoted identifier; never split at dots, so a name holding one stays one name. */
function identifier(name: string): string {
  return escapeId(name, true);
}

/** `'user'@'host'`, the account form every user statement takes. */
function accountSql(account: Account): string {
  return `${literal(account.user)}@${literal(account.host)}`;
}

/** The GRANTEE spelling information_schema uses: no escaping, so only exact string equality identifies a row. */
function granteeOf(account: Account): string {
  return `'${account.user}'@'${account.host}'`;
}

export { accountSql, granteeOf, identifier, literal, UnexpectedServerDataError };
export type { Account, Statement };
