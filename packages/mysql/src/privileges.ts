import { type Account, accountSql, identifier, literal, type Statement, UnexpectedServerDataError } from './sql.js';

/** Where a privilege applies. */
type Level =
  | { readonly kind: 'global' }
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  | { readonly kind: 'routine'; readonly database: string; readonly routine: string; readonly routineType: RoutineType };

/** The kinds of stored routine a grant can name (PACKAGE and PACKAGE BODY exist in MariaDB's Oracle mode). */
type RoutineType = 'PROCEDURE' | 'FUNCTION' | 'PACKAGE' | 'PACKAGE BODY';

/** What an account holds at one level. */
interface LevelGrant {
  readonly level: Level;
  /** Privilege names as the server spells them (SELECT, CREATE TEMPORARY TABLES…); no USAGE, no GRANT OPTION. */
  readonly privileges: Set<string>;
  /** Table level only: privilege → the columns it is granted on. */
  readonly columns: Map<string, Set<string>>;
  /** `WITH GRANT OPTION` at this level (MySQL and MariaDB keep one grant option per level). */
  grantOption: boolean;
}

/** A role as a grant names it: MariaDB roles have no host, MySQL 8 roles are accounts. */
interface RoleRef {
  readonly name: string;
  readonly host: string | undefined;
}

/** Everything that makes up an account's privileges, in the shape the diff compares. */
interface AccountPrivileges {
  /** By levelKey(). */
  readonly levels: Map<string, LevelGrant>;
  /** MySQL 8 dynamic global privileges (BACKUP_ADMIN…), each with its own grant option. */
  readonly dynamic: Map<string, boolean>;
  /** Granted roles by roleKey(), with their admin option. */
  readonly roles: Map<string, { readonly role: RoleRef; readonly admin: boolean }>;
  /** The roles active at login, as roleKey()s in a stable order. */
  defaultRoles: string[];
  /** Accounts this one may proxy, by `'user'@'host'`. */
  readonly proxies: Map<string, Account>;
}

/** The privilege names the server reports are written into statements as keywords, so only keyword shapes pass. */
const PRIVILEGE_NAME = /^[A-Z][A-Z0-9_]*( [A-Z][A-Z0-9_]*)*$/;

/** MySQL error numbers for a grant on a table, column or routine that no longer exists. */
const ER_NO_SUCH_TABLE = 1146;
const ER_BAD_FIELD = 1054;
const ER_SP_DOES_NOT_EXIST = 1305;

function emptyPrivileges(): AccountPrivileges {
  return { levels: new Map(), dynamic: new Map(), roles: new Map(), defaultRoles: [], proxies: new Map() };
}

function levelKey(level: Level): string {
  switch (level.kind) {
    case 'global':
      return 'global';
    case 'database':
      return JSON.stringify(['database', level.database]);
    case 'table':
      return JSON.stringify(['table', level.database, level.table]);
    case 'routine':
      return JSON.stringify(['routine', level.routineType, level.database, level.routine]);
  }
}

function roleKey(role: RoleRef): string {
  return JSON.stringify([role.name, role.host ?? null]);
}

/** The grant at `level`, created empty when the account has none there yet. */
function levelGrant(privileges: AccountPrivileges, level: Level): LevelGrant {
  const key = levelKey(level);
  let grant = privileges.levels.get(key);
  if (grant === undefined) {
    grant = { level, privileges: new Set(), columns: new Map(), grantOption: false };
    privileges.levels.set(key, grant);
  }
  return grant;
}

/** Throws when the server reported a privilege name that is not a plain keyword (nothing else is put into SQL). */
function checkedPrivilege(name: string): string {
  const upper = name.trim().toUpperCase();
  if (!PRIVILEGE_NAME.test(upper)) throw new UnexpectedServerDataError('The server reported a privilege name that is not a keyword');
  return upper;
}

/**
 * Adds one information_schema row: `privilege` at `level` (on `column` for column rows), grantable or not.
 * USAGE only carries the grant option; a column row's IS_GRANTABLE is its table's grant option.
 */
function addPrivilege(privileges: AccountPrivileges, level: Level, privilege: string, grantable: boolean, column?: string): void {
  const name = checkedPrivilege(privilege);
  const grant = levelGrant(privileges, level);
  if (grantable) grant.grantOption = true;
  if (name === 'USAGE' || name === 'GRANT OPTION') return;
  if (column === undefined) {
    grant.privileges.add(name);
    return;
  }
  const columns = grant.columns.get(name) ?? new Set<string>();
  columns.add(column);
  grant.columns.set(name, columns);
}

function levelSql(level: Level): string {
  switch (level.kind) {
    case 'global':
      return '*.*';
    case 'database':
      // The stored name is used as is: a pattern grant (`app\_%`) must stay a pattern, an escaped `_` escaped.
      return `${identifier(level.database)}.*`;
    case 'table':
      return `${identifier(level.database)}.${identifier(level.table)}`;
    case 'routine':
      return `${level.routineType} ${identifier(level.database)}.${identifier(level.routine)}`;
  }
}

/** Grants on an object that may have been dropped since are skipped when the server says it is gone. */
function missingObjectErrors(level: Level): readonly number[] | undefined {
  if (level.kind === 'table') return [ER_NO_SUCH_TABLE, ER_BAD_FIELD];
  if (level.kind === 'routine') return [ER_SP_DOES_NOT_EXIST];
  return undefined;
}

function difference<T>(left: Iterable<T>, right: ReadonlySet<T>): T[] {
  return [...left].filter((item) => !right.has(item));
}

/** `PRIV (a, b)` parts for the columns in `want` and not in `have`. */
function columnParts(want: ReadonlyMap<string, Set<string>>, have: ReadonlyMap<string, Set<string>> | undefined): string[] {
  const parts: string[] = [];
  for (const [privilege, columns] of [...want].sort(([a], [b]) => a.localeCompare(b))) {
    const extra = difference([...columns].sort(), have?.get(privilege) ?? new Set());
    if (extra.length > 0) parts.push(`${privilege} (${extra.map((column) => identifier(column)).join(', ')})`);
  }
  return parts;
}

function emptyLevel(level: Level): LevelGrant {
  return { level, privileges: new Set(), columns: new Map(), grantOption: false };
}

/** REVOKE statements removing from the clone what it holds at one level and the original does not. */
function levelRevokes(account: Account, want: LevelGrant, have: LevelGrant): Statement[] {
  const on = levelSql(have.level);
  const statements: Statement[] = [];
  const parts = [...difference([...have.privileges].sort(), want.privileges), ...columnParts(have.columns, want.columns)];
  if (parts.length > 0) statements.push({ sql: `REVOKE ${parts.join(', ')} ON ${on} FROM ${accountSql(account)}` });
  if (have.grantOption && !want.grantOption) statements.push({ sql: `REVOKE GRANT OPTION ON ${on} FROM ${accountSql(account)}` });
  return statements;
}

/** The GRANT giving the clone what it lacks at one level (the grant option included), if anything. */
function levelGrantStatement(account: Account, want: LevelGrant, have: LevelGrant): Statement | undefined {
  const parts = [...difference([...want.privileges].sort(), have.privileges), ...columnParts(want.columns, have.columns)];
  const addGrantOption = want.grantOption && !have.grantOption;
  if (parts.length === 0 && !addGrantOption) return undefined;
  // Only the grant option is missing: re-grant what is held (a no-op for the privileges) to attach it.
  if (parts.length === 0) parts.push(...[...want.privileges].sort(), ...columnParts(want.columns, undefined));
  if (parts.length === 0) parts.push('USAGE');
  const option = addGrantOption ? ' WITH GRANT OPTION' : '';
  const skipOn = missingObjectErrors(want.level);
  return {
    sql: `GRANT ${parts.join(', ')} ON ${levelSql(want.level)} TO ${accountSql(account)}${option}`,
    ...(skipOn === undefined ? {} : { skipOn }),
  };
}

/** Statements for MySQL 8 dynamic privileges; a grant option is removed by revoking and granting again. */
function dynamicStatements(account: Account, want: ReadonlyMap<string, boolean>, have: ReadonlyMap<string, boolean>): Statement[] {
  const target = accountSql(account);
  const revokes: Statement[] = [];
  const grants: Statement[] = [];
  for (const [name, grantable] of [...have].sort(([a], [b]) => a.localeCompare(b))) {
    const wanted = want.get(name);
    if (wanted === undefined || (grantable && !wanted)) revokes.push({ sql: `REVOKE ${name} ON *.* FROM ${target}` });
  }
  for (const [name, grantable] of [...want].sort(([a], [b]) => a.localeCompare(b))) {
    const held = have.get(name);
    if (held === undefined || held !== grantable) {
      grants.push({ sql: `GRANT ${name} ON *.* TO ${target}${grantable ? ' WITH GRANT OPTION' : ''}` });
    }
  }
  return [...revokes, ...grants];
}

/**
 * Statements making the clone's object privileges (every level, dynamic privileges) equal the original's:
 * revocations first, so a crash between statements never leaves the clone with more than both had, then
 * grants. Every run compares the live state, so a retry after any statement converges.
 */
function privilegeStatements(account: Account, want: AccountPrivileges, have: AccountPrivileges): Statement[] {
  const keys = [...new Set([...want.levels.keys(), ...have.levels.keys()])].sort();
  const revokes: Statement[] = [];
  const grants: Statement[] = [];
  for (const key of keys) {
    const wanted = want.levels.get(key);
    const held = have.levels.get(key);
    const level = (wanted ?? held)?.level;
    if (level === undefined) continue;
    revokes.push(...levelRevokes(account, wanted ?? emptyLevel(level), held ?? emptyLevel(level)));
    const grant = levelGrantStatement(account, wanted ?? emptyLevel(level), held ?? emptyLevel(level));
    if (grant !== undefined) grants.push(grant);
  }
  const dynamic = dynamicStatements(account, want.dynamic, have.dynamic);
  return [...revokes, ...dynamic, ...grants];
}

function roleSql(role: RoleRef): string {
  return role.host === undefined ? literal(role.name) : `${literal(role.name)}@${literal(role.host)}`;
}

function byKey<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => a.localeCompare(b));
}

/** The statements for one role the original holds: grant it, or fix its admin option. */
function roleGrantStatements(target: string, role: RoleRef, admin: boolean, held: { admin: boolean } | undefined, flavour: 'mysql' | 'mariadb') {
  if (held === undefined || (admin && !held.admin)) {
    return { grants: [{ sql: `GRANT ${roleSql(role)} TO ${target}${admin ? ' WITH ADMIN OPTION' : ''}` }], revokes: [] };
  }
  if (admin || !held.admin) return { grants: [], revokes: [] };
  // MySQL has no REVOKE ADMIN OPTION: the role is granted again without it.
  const revokes: Statement[] =
    flavour === 'mariadb'
      ? [{ sql: `REVOKE ADMIN OPTION FOR ${roleSql(role)} FROM ${target}` }]
      : [{ sql: `REVOKE ${roleSql(role)} FROM ${target}` }, { sql: `GRANT ${roleSql(role)} TO ${target}` }];
  return { grants: [], revokes };
}

/** SET DEFAULT ROLE when the clone's default roles differ from the original's. */
function defaultRoleStatements(target: string, want: AccountPrivileges, have: AccountPrivileges, flavour: 'mysql' | 'mariadb'): Statement[] {
  if (want.defaultRoles.join('\n') === have.defaultRoles.join('\n')) return [];
  const roles = want.defaultRoles.map((key) => want.roles.get(key)?.role).filter((role): role is RoleRef => role !== undefined);
  const list = roles.length === 0 ? 'NONE' : roles.map(roleSql).join(', ');
  return [{ sql: flavour === 'mariadb' ? `SET DEFAULT ROLE ${list} FOR ${target}` : `SET DEFAULT ROLE ${list} TO ${target}` }];
}

/**
 * Statements making the clone's roles, their admin option and its default roles equal the original's. New
 * roles are granted before the default is set (a default must be granted), old ones revoked after.
 */
function roleStatements(account: Account, want: AccountPrivileges, have: AccountPrivileges, flavour: 'mysql' | 'mariadb'): Statement[] {
  const target = accountSql(account);
  const grants: Statement[] = [];
  const revokes: Statement[] = [];
  for (const [key, { role, admin }] of byKey(want.roles)) {
    const parts = roleGrantStatements(target, role, admin, have.roles.get(key), flavour);
    grants.push(...parts.grants);
    revokes.push(...parts.revokes);
  }
  for (const [key, { role }] of byKey(have.roles)) {
    if (!want.roles.has(key)) revokes.push({ sql: `REVOKE ${roleSql(role)} FROM ${target}` });
  }
  return [...grants, ...defaultRoleStatements(target, want, have, flavour), ...revokes];
}

/** Statements making the accounts the clone may proxy equal the original's (PROXY grants, without grant option). */
function proxyStatements(account: Account, want: AccountPrivileges, have: AccountPrivileges): Statement[] {
  const target = accountSql(account);
  const statements: Statement[] = [];
  for (const [key, proxied] of [...have.proxies].sort(([a], [b]) => a.localeCompare(b))) {
    if (!want.proxies.has(key)) statements.push({ sql: `REVOKE PROXY ON ${accountSql(proxied)} FROM ${target}` });
  }
  for (const [key, proxied] of [...want.proxies].sort(([a], [b]) => a.localeCompare(b))) {
    if (!have.proxies.has(key)) statements.push({ sql: `GRANT PROXY ON ${accountSql(proxied)} TO ${target}` });
  }
  return statements;
}

export {
  addPrivilege,
  checkedPrivilege,
  emptyPrivileges,
  levelGrant,
  levelKey,
  levelSql,
  privilegeStatements,
  proxyStatements,
  roleKey,
  roleStatements,
};
export type { AccountPrivileges, Level, LevelGrant, RoleRef, RoutineType };
