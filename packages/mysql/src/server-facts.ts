/** The two server families one package serves. Aurora MySQL is MySQL. */
type Flavour = 'mysql' | 'mariadb';

/** major, minor, patch. */
type Version = readonly [number, number, number];

/** What the server reported about itself, read once per session. */
interface ServerFacts {
  readonly flavour: Flavour;
  readonly version: Version;
  /** Aurora MySQL reports `8.0.mysql_aurora.3.05.2`: the MySQL patch level is not in the string. */
  readonly aurora: boolean;
  /** The session's sql_mode, to check for NO_BACKSLASH_ESCAPES before any escaped value is sent. */
  readonly sqlMode: string;
}

/** What the statements may use on this server; every choice is made from here, never from a version prefix. */
interface ServerCapabilities {
  /** `RETAIN CURRENT PASSWORD` / `DISCARD OLD PASSWORD` (MySQL 8.0.14). */
  readonly dualPassword: boolean;
  /** `REPLACE 'current'` when a user changes its own password (MySQL 8.0.13, for password_require_current). */
  readonly replaceClause: boolean;
  /** `CREATE USER … ATTRIBUTE` and information_schema.USER_ATTRIBUTES (MySQL 8.0.21). */
  readonly userAttributes: boolean;
  /** Partial revokes kept in mysql.user User_attributes (MySQL 8.0.16). */
  readonly partialRevokes: boolean;
  /** Roles: MySQL 8.0 (roles are accounts, `'name'@'host'`), MariaDB 10.0.5 (roles have no host). */
  readonly roles: boolean;
  /** Dynamic global privileges with a grant option each (MySQL 8.0). */
  readonly dynamicPrivileges: boolean;
  /** `ALTER USER` with IDENTIFIED, REQUIRE and WITH (MySQL 5.7.6, MariaDB 10.2). */
  readonly alterUser: boolean;
  /** `SET PASSWORD = '…'` takes plain text (MySQL 5.7.6; older servers need PASSWORD()). */
  readonly plainSetPassword: boolean;
  /** The longest user name the server stores, in characters. */
  readonly usernameLimit: number;
}

/** Aurora MySQL 3 is built on MySQL 8.0.23 or later, Aurora MySQL 2 on 5.7.12: the oldest patch of each line. */
const AURORA_BASE_PATCH: Readonly<Record<string, number>> = { '8.0': 23, '5.7': 12 };

/**
 * Reads the flavour and version from `SELECT VERSION(), @@version_comment`: MariaDB says so in one of them
 * (`10.11.6-MariaDB-log`, or the comment of a build whose version string was altered). Returns undefined
 * when the version has no recognisable major.minor, so the caller can refuse instead of guessing.
 */
function parseServerFacts(versionText: string, comment: string, sqlMode = ''): ServerFacts | undefined {
  const mariadb = /mariadb/i.test(versionText) || /mariadb/i.test(comment);
  // MariaDB behind an old replication protocol prefixes "5.5.5-" to the real version.
  const text = mariadb ? versionText.replace(/^5\.5\.5-/, '') : versionText;
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (match === null) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const aurora = !mariadb && /mysql_aurora/i.test(text);
  const patch = match[3] === undefined ? (aurora ? (AURORA_BASE_PATCH[`${major}.${minor}`] ?? 0) : 0) : Number(match[3]);
  return { flavour: mariadb ? 'mariadb' : 'mysql', version: [major, minor, patch], aurora, sqlMode };
}

function atLeast(version: Version, major: number, minor: number, patch: number): boolean {
  const [a, b, c] = version;
  if (a !== major) return a > major;
  if (b !== minor) return b > minor;
  return c >= patch;
}

/** The capabilities of the server the facts describe. */
function serverCapabilities(facts: ServerFacts): ServerCapabilities {
  const mysql = (major: number, minor: number, patch: number) => facts.flavour === 'mysql' && atLeast(facts.version, major, minor, patch);
  const mariadb = (major: number, minor: number, patch: number) =>
    facts.flavour === 'mariadb' && atLeast(facts.version, major, minor, patch);
  return {
    dualPassword: mysql(8, 0, 14),
    replaceClause: mysql(8, 0, 13),
    userAttributes: mysql(8, 0, 21),
    partialRevokes: mysql(8, 0, 16),
    roles: mysql(8, 0, 0) || mariadb(10, 0, 5),
    dynamicPrivileges: mysql(8, 0, 0),
    alterUser: mysql(5, 7, 6) || mariadb(10, 2, 0),
    plainSetPassword: mysql(5, 7, 6),
    // MySQL raised the limit from 16 to 32 characters in 5.7.8; MariaDB stores 80 (its mysql.user column width).
    usernameLimit: facts.flavour === 'mariadb' ? 80 : mysql(5, 7, 8) ? 32 : 16,
  };
}

export { parseServerFacts, serverCapabilities };
export type { Flavour, ServerCapabilities, ServerFacts, Version };
