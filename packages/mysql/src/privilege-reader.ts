import type { RotationMarker } from '@rotation-lambdas/core';
import type { AccountOptions, TlsType } from './account-options.js';
import {
  type AccountPrivileges,
  addPrivilege,
  checkedPrivilege,
  emptyPrivileges,
  type Level,
  levelGrant,
  type RoleRef,
  type RoutineType,
  roleKey,
} from './privileges.js';
import type { ServerCapabilities, ServerFacts } from './server-facts.js';
import { type Account, granteeOf } from './sql.js';
import { type Row, type SqlSession, text } from './sql-session.js';

/** An account of a user, with what the clone copies besides privileges. */
interface AccountState {
  readonly account: Account;
  readonly options: AccountOptions;
  /** MariaDB's default role (mysql.user.default_role), '' for none; MySQL 8 keeps defaults in their own table. */
  readonly defaultRole: string;
}

/** How one account authenticates, as the grant tables store it. */
interface StoredCredential {
  readonly plugin: string;
  /** The plugin's stored form (a hash for password plugins); '' for none. */
  readonly credential: string;
  /** MariaDB: other methods may let the account in too (`IDENTIFIED VIA … OR …`). */
  readonly alternatives: boolean;
}

/** Thrown (and wrapped by the adapter) when the server holds something the adapter will not copy faithfully. */
class UnsupportedPrivilegeError extends Error {}

const TLS_TYPES: readonly TlsType[] = ['', 'ANY', 'X509', 'SPECIFIED'];
const ROUTINE_TYPES: readonly RoutineType[] = ['PROCEDURE', 'FUNCTION', 'PACKAGE', 'PACKAGE BODY'];
/** MySQL 8 dynamic privileges are single words joined by underscores (BACKUP_ADMIN); static ones are not. */
const DYNAMIC_PRIVILEGE = /^[A-Z0-9]+(_[A-Z0-9]+)+$/;

function number(value: unknown): number {
  return typeof value === 'number' ? value : Number(text(value));
}

function yes(value: unknown): boolean {
  return ['YES', 'Y', '1'].includes(text(value).toUpperCase());
}

/** Rows whose key columns equal the account exactly (the servers compare some of them case-insensitively). */
function exactly(rows: readonly Row[], account: Account): Row[] {
  return rows.filter((row) => text(row.user) === account.user && text(row.host) === account.host);
}

/** Reads accounts and their privileges from the grant tables and information_schema, as the master. */
class PrivilegeReader {
  readonly #session: SqlSession;
  readonly #facts: ServerFacts;
  readonly #caps: ServerCapabilities;

  constructor(session: SqlSession, facts: ServerFacts, caps: ServerCapabilities) {
    this.#session = session;
    this.#facts = facts;
    this.#caps = caps;
  }

  /** Every host the name exists at, roles included (for "does this name exist at all"). */
  async hostsOf(user: string): Promise<string[]> {
    const rows = await this.#session.rows('SELECT User AS user, Host AS host FROM mysql.user WHERE User = ?', [user]);
    return rows.filter((row) => text(row.user) === user).map((row) => text(row.host));
  }

  /** The user's login accounts (MariaDB roles excluded), by host. */
  async accounts(user: string): Promise<Map<string, AccountState>> {
    const mariadb = this.#facts.flavour === 'mariadb';
    const rows = await this.#session.rows(
      `SELECT User AS user, Host AS host, plugin, ssl_type AS sslType, ssl_cipher AS sslCipher, x509_issuer AS x509Issuer,
        x509_subject AS x509Subject, max_questions AS maxQuestions, max_updates AS maxUpdates,
        max_connections AS maxConnections, max_user_connections AS maxUserConnections
        ${mariadb ? ', max_statement_time AS maxStatementTime, default_role AS defaultRole, is_role AS isRole' : ''}
        FROM mysql.user WHERE User = ?`,
      [user],
    );
    const accounts = new Map<string, AccountState>();
    for (const row of rows) {
      if (text(row.user) !== user || yes(row.isRole)) continue;
      const sslType = text(row.sslType).toUpperCase() as TlsType;
      if (!TLS_TYPES.includes(sslType)) throw new UnsupportedPrivilegeError('The server reported an unknown ssl_type');
      const host = text(row.host);
      accounts.set(host, {
        account: { user, host },
        options: {
          plugin: text(row.plugin),
          tls: { type: sslType, cipher: text(row.sslCipher), issuer: text(row.x509Issuer), subject: text(row.x509Subject) },
          limits: {
            queriesPerHour: number(row.maxQuestions),
            updatesPerHour: number(row.maxUpdates),
            connectionsPerHour: number(row.maxConnections),
            userConnections: number(row.maxUserConnections),
            statementTime: mariadb ? text(row.maxStatementTime) : undefined,
          },
        },
        defaultRole: mariadb ? text(row.defaultRole) : '',
      });
    }
    return accounts;
  }

  /** Rotation's marker attribute (MySQL 8.0.21+) on each account of `user`, by host; empty where the server keeps none. */
  async markers(user: string, marker: string): Promise<Map<string, RotationMarker | undefined>> {
    const markers = new Map<string, RotationMarker | undefined>();
    if (!this.#caps.userAttributes) return markers;
    const rows = await this.#session.rows(
      'SELECT USER AS user, HOST AS host, ATTRIBUTE AS attribute FROM information_schema.USER_ATTRIBUTES WHERE USER = ?',
      [user],
    );
    for (const host of await this.hostsOf(user)) {
      markers.set(host, exactly(rows, { user, host }).map((row) => markerIn(row.attribute, marker)).find((found) => found !== undefined));
    }
    return markers;
  }

  /**
   * How each account of `user` authenticates, by host: its plugin and stored credential, and whether MariaDB
   * lets it in by alternative methods too (`IDENTIFIED VIA a OR b`), which the stored credential cannot tell.
   */
  async credentials(user: string): Promise<Map<string, StoredCredential>> {
    const fromGlobalPriv = this.#facts.flavour === 'mariadb' && this.#caps.alterUser;
    const rows = await this.#session.rows(
      fromGlobalPriv
        ? `SELECT User AS user, Host AS host, JSON_UNQUOTE(JSON_EXTRACT(Priv, '$.plugin')) AS plugin,
            JSON_UNQUOTE(JSON_EXTRACT(Priv, '$.authentication_string')) AS credential,
            JSON_CONTAINS_PATH(Priv, 'one', '$.auth_or') AS alternatives FROM mysql.global_priv WHERE User = ?`
        : 'SELECT User AS user, Host AS host, plugin, authentication_string AS credential, 0 AS alternatives FROM mysql.user WHERE User = ?',
      [user],
    );
    const credentials = new Map<string, StoredCredential>();
    for (const row of rows) {
      if (text(row.user) !== user) continue;
      credentials.set(text(row.host), { plugin: text(row.plugin), credential: text(row.credential), alternatives: number(row.alternatives) === 1 });
    }
    return credentials;
  }

  /**
   * Everything the account holds: global, database, table, column and routine privileges with their grant
   * options, MySQL 8 dynamic privileges, roles and default roles, and proxy grants.
   */
  async privileges(state: AccountState): Promise<AccountPrivileges> {
    const { account } = state;
    await this.#assertUniqueGrantee(account);
    const privileges = emptyPrivileges();
    await this.#readGlobal(account, privileges);
    await this.#readSchemaTableColumn(account, privileges);
    await this.#readRoutines(account, privileges);
    await this.#readProxies(account, privileges);
    if (this.#caps.roles) await this.#readRoles(state, privileges);
    if (this.#caps.partialRevokes) await this.#assertNoRestrictions(account);
    return privileges;
  }

  /**
   * information_schema names an account `'user'@'host'` without escaping, so `a'@'b` at `c` and `a` at
   * `b'@'c` would read each other's rows. Refuse rather than copy another account's privileges.
   */
  async #assertUniqueGrantee(account: Account): Promise<void> {
    const grantee = granteeOf(account);
    const rows = await this.#session.rows(
      "SELECT User AS user, Host AS host FROM mysql.user WHERE CONCAT('''', User, '''@''', Host, '''') = ?",
      [grantee],
    );
    if (rows.filter((row) => granteeOf({ user: text(row.user), host: text(row.host) }) === grantee).length !== 1) {
      throw new UnsupportedPrivilegeError('Another account has the same information_schema grantee name');
    }
  }

  async #granteeRows(table: string, columns: string, account: Account): Promise<Row[]> {
    const grantee = granteeOf(account);
    const rows = await this.#session.rows(
      `SELECT GRANTEE AS grantee, PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable${columns} FROM information_schema.${table} WHERE GRANTEE = ?`,
      [grantee],
    );
    // GRANTEE compares case-insensitively; user names do not.
    return rows.filter((row) => text(row.grantee) === grantee);
  }

  async #readGlobal(account: Account, privileges: AccountPrivileges): Promise<void> {
    for (const row of await this.#granteeRows('USER_PRIVILEGES', '', account)) {
      const name = checkedPrivilege(text(row.privilege));
      if (this.#caps.dynamicPrivileges && DYNAMIC_PRIVILEGE.test(name)) privileges.dynamic.set(name, yes(row.grantable));
      else addPrivilege(privileges, { kind: 'global' }, name, yes(row.grantable));
    }
    levelGrant(privileges, { kind: 'global' });
  }

  async #readSchemaTableColumn(account: Account, privileges: AccountPrivileges): Promise<void> {
    for (const row of await this.#granteeRows('SCHEMA_PRIVILEGES', ', TABLE_SCHEMA AS db', account)) {
      addPrivilege(privileges, { kind: 'database', database: text(row.db) }, text(row.privilege), yes(row.grantable));
    }
    for (const row of await this.#granteeRows('TABLE_PRIVILEGES', ', TABLE_SCHEMA AS db, TABLE_NAME AS tbl', account)) {
      addPrivilege(privileges, { kind: 'table', database: text(row.db), table: text(row.tbl) }, text(row.privilege), yes(row.grantable));
    }
    const columnRows = await this.#granteeRows('COLUMN_PRIVILEGES', ', TABLE_SCHEMA AS db, TABLE_NAME AS tbl, COLUMN_NAME AS col', account);
    for (const row of columnRows) {
      const level: Level = { kind: 'table', database: text(row.db), table: text(row.tbl) };
      addPrivilege(privileges, level, text(row.privilege), yes(row.grantable), text(row.col));
    }
  }

  async #readRoutines(account: Account, privileges: AccountPrivileges): Promise<void> {
    const rows = await this.#session.rows(
      `SELECT User AS user, Host AS host, Db AS db, Routine_name AS routine, Routine_type AS routineType, Proc_priv AS privileges
        FROM mysql.procs_priv WHERE User = ? AND Host = ?`,
      [account.user, account.host],
    );
    for (const row of exactly(rows, account)) {
      const routineType = text(row.routineType).toUpperCase() as RoutineType;
      if (!ROUTINE_TYPES.includes(routineType)) throw new UnsupportedPrivilegeError('The server reported an unknown routine type');
      const level: Level = { kind: 'routine', database: text(row.db), routine: text(row.routine), routineType };
      levelGrant(privileges, level);
      for (const privilege of text(row.privileges).split(',').filter((item) => item !== '')) {
        // procs_priv spells them 'Execute', 'Alter Routine', 'Grant'.
        if (privilege.toLowerCase() === 'grant') addPrivilege(privileges, level, 'USAGE', true);
        else addPrivilege(privileges, level, privilege, false);
      }
    }
  }

  async #readProxies(account: Account, privileges: AccountPrivileges): Promise<void> {
    const rows = await this.#session.rows(
      `SELECT User AS user, Host AS host, Proxied_user AS proxiedUser, Proxied_host AS proxiedHost
        FROM mysql.proxies_priv WHERE User = ? AND Host = ?`,
      [account.user, account.host],
    );
    for (const row of exactly(rows, account)) {
      const proxied = { user: text(row.proxiedUser), host: text(row.proxiedHost) };
      privileges.proxies.set(JSON.stringify([proxied.user, proxied.host]), proxied);
    }
  }

  async #readRoles(state: AccountState, privileges: AccountPrivileges): Promise<void> {
    const { account } = state;
    if (this.#facts.flavour === 'mariadb') {
      const rows = await this.#session.rows(
        'SELECT User AS user, Host AS host, Role AS role, Admin_option AS admin FROM mysql.roles_mapping WHERE User = ? AND Host = ?',
        [account.user, account.host],
      );
      for (const row of exactly(rows, account)) {
        const role: RoleRef = { name: text(row.role), host: undefined };
        privileges.roles.set(roleKey(role), { role, admin: yes(row.admin) });
      }
      if (state.defaultRole !== '') privileges.defaultRoles = [roleKey({ name: state.defaultRole, host: undefined })];
      return;
    }
    const edges = await this.#session.rows(
      `SELECT TO_USER AS user, TO_HOST AS host, FROM_USER AS role, FROM_HOST AS roleHost, WITH_ADMIN_OPTION AS admin
        FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ?`,
      [account.user, account.host],
    );
    for (const row of exactly(edges, account)) {
      const role: RoleRef = { name: text(row.role), host: text(row.roleHost) };
      privileges.roles.set(roleKey(role), { role, admin: yes(row.admin) });
    }
    const defaults = await this.#session.rows(
      `SELECT USER AS user, HOST AS host, DEFAULT_ROLE_USER AS role, DEFAULT_ROLE_HOST AS roleHost
        FROM mysql.default_roles WHERE USER = ? AND HOST = ?`,
      [account.user, account.host],
    );
    privileges.defaultRoles = exactly(defaults, account)
      .map((row) => roleKey({ name: text(row.role), host: text(row.roleHost) }))
      .sort();
  }

  /**
   * MySQL 8 partial revokes (a global privilege minus some databases) live in User_attributes, not in the
   * privilege tables; copying the global grant without them would give the clone more than the original.
   */
  async #assertNoRestrictions(account: Account): Promise<void> {
    const rows = await this.#session.rows(
      `SELECT User AS user, Host AS host, CAST(JSON_EXTRACT(User_attributes, '$.Restrictions') AS CHAR) AS restrictions
        FROM mysql.user WHERE User = ? AND Host = ?`,
      [account.user, account.host],
    );
    for (const row of exactly(rows, account)) {
      const restrictions = text(row.restrictions);
      if (restrictions !== '' && restrictions !== 'null' && restrictions !== '[]') {
        throw new UnsupportedPrivilegeError('The account has partial revokes, which rotation does not copy');
      }
    }
  }
}

/**
 * Rotation's marker in a USER_ATTRIBUTES value (JSON text), if present. Only holders of CREATE USER can set
 * an account's attributes, so the account cannot forge it. A marker from before markers named their secret
 * reads as one that names none.
 */
function markerIn(attribute: unknown, marker: string): RotationMarker | undefined {
  const value = typeof attribute === 'string' || Buffer.isBuffer(attribute) ? text(attribute) : JSON.stringify(attribute ?? null);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !(marker in parsed)) return undefined;
  const entry = (parsed as Record<string, unknown>)[marker];
  const { secret, alternateOf } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  return { secretArn: typeof secret === 'string' ? secret : undefined, alternateOf: typeof alternateOf === 'string' ? alternateOf : undefined };
}

export { markerIn, PrivilegeReader, UnsupportedPrivilegeError };
export type { AccountState, StoredCredential };
