import { createHash } from 'node:crypto';
import type { OwnPasswordChange } from '@rotation-lambdas/core';
import type { ServerCapabilities, ServerFacts } from './server-facts.js';
import { type Account, accountSql, literal, type Statement } from './sql.js';

/** The plugins whose password the adapter sets in the plugin's own form (others keep whatever plugin they have). */
const NATIVE = 'mysql_native_password';

/**
 * mysql_native_password's stored form, `*` and SHA1(SHA1(password)) in upper-case hex: sending it instead of
 * the password keeps the password out of MariaDB's general and audit logs, which record statements verbatim.
 */
function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

/**
 * The `IDENTIFIED …` clause giving an account `password` under `plugin`, or undefined when the plugin is not
 * one the adapter knows how to address (the statement then leaves the plugin as it is).
 */
function identifiedClause(facts: ServerFacts, caps: ServerCapabilities, plugin: string, password: string): string | undefined {
  if (plugin === NATIVE) {
    const hash = literal(nativePasswordHash(password));
    return facts.flavour === 'mysql' && caps.alterUser ? `IDENTIFIED WITH ${NATIVE} AS ${hash}` : `IDENTIFIED BY PASSWORD ${hash}`;
  }
  // MySQL rewrites these statements in its own logs, so the password may travel as text.
  if (facts.flavour === 'mysql' && caps.alterUser && (plugin === 'caching_sha2_password' || plugin === 'sha256_password')) {
    return `IDENTIFIED WITH ${plugin} BY ${literal(password)}`;
  }
  return undefined;
}

/** The clause CREATE USER gives a new account: the reference plugin's form, else the server's default plugin. */
function createIdentifiedClause(facts: ServerFacts, caps: ServerCapabilities, plugin: string, password: string): string {
  return identifiedClause(facts, caps, plugin, password) ?? `IDENTIFIED BY ${literal(password)}`;
}

/**
 * Sets another account's password as the master: in `plugin`'s form when it is a known one (for the clone,
 * the original's plugin, so the two authenticate alike), else in whatever plugin the account has.
 */
function setPasswordStatement(facts: ServerFacts, caps: ServerCapabilities, account: Account, plugin: string, password: string): Statement {
  const target = accountSql(account);
  if (!caps.alterUser) {
    const value = plugin === NATIVE ? literal(nativePasswordHash(password)) : `PASSWORD(${literal(password)})`;
    return { sql: `SET PASSWORD FOR ${target} = ${value}`, secret: true };
  }
  const clause = identifiedClause(facts, caps, plugin, password);
  if (clause !== undefined) return { sql: `ALTER USER ${target} ${clause}`, secret: true };
  // MariaDB's ALTER USER … IDENTIFIED BY would switch the account to the default plugin; SET PASSWORD keeps it.
  if (facts.flavour === 'mariadb') return { sql: `SET PASSWORD FOR ${target} = PASSWORD(${literal(password)})`, secret: true };
  return { sql: `ALTER USER ${target} IDENTIFIED BY ${literal(password)}`, secret: true };
}

/**
 * The statements with which the logged-in user changes its own password (single user):
 * - MariaDB with mysql_native_password (`nativeOwnPlugin`): `SET PASSWORD = '<hash>'`, so the password never
 *   appears in the general log, audit logs or the processlist, which record MariaDB statements verbatim;
 *   with another plugin, `SET PASSWORD = PASSWORD(?)`, which every MariaDB plugin that keeps a password accepts;
 * - MySQL 8.0.13+: `ALTER USER CURRENT_USER() IDENTIFIED BY ? REPLACE ?`, so password_require_current is met;
 *   with `dualPassword`, the old secondary password is discarded and the current one retained as secondary;
 * - MySQL 5.7.6 to 8.0.12: `SET PASSWORD = ?`; older MySQL: `SET PASSWORD = PASSWORD(?)`.
 * The caller has checked that dual passwords are supported before asking for them.
 */
function ownPasswordStatements(
  facts: ServerFacts,
  caps: ServerCapabilities,
  change: OwnPasswordChange,
  dualPassword: boolean,
  nativeOwnPlugin = false,
): Statement[] {
  const next = literal(change.newPassword);
  if (facts.flavour === 'mariadb') {
    return [{ sql: nativeOwnPlugin ? `SET PASSWORD = ${literal(nativePasswordHash(change.newPassword))}` : `SET PASSWORD = PASSWORD(${next})`, secret: true }];
  }
  if (caps.replaceClause) {
    const alter = `ALTER USER CURRENT_USER() IDENTIFIED BY ${next} REPLACE ${literal(change.currentPassword)}`;
    if (!dualPassword) return [{ sql: alter, secret: true }];
    // At most two passwords: the one from two rotations ago goes, the current one stays valid beside the new one.
    return [{ sql: 'ALTER USER CURRENT_USER() DISCARD OLD PASSWORD' }, { sql: `${alter} RETAIN CURRENT PASSWORD`, secret: true }];
  }
  return [{ sql: caps.plainSetPassword ? `SET PASSWORD = ${next}` : `SET PASSWORD = PASSWORD(${next})`, secret: true }];
}

export { createIdentifiedClause, identifiedClause, nativePasswordHash, ownPasswordStatements, setPasswordStatement };
