import type { ServerCapabilities } from './server-facts.js';
import { type Account, accountSql, literal, type Statement, UnexpectedServerDataError } from './sql.js';

/** mysql.user's ssl_type: '' (none), ANY (REQUIRE SSL), X509, SPECIFIED (cipher, issuer and/or subject). */
type TlsType = '' | 'ANY' | 'X509' | 'SPECIFIED';

/** An account's TLS requirement. */
interface TlsRequirement {
  readonly type: TlsType;
  readonly cipher: string;
  readonly issuer: string;
  readonly subject: string;
}

/** An account's resource limits (0 = unlimited). */
interface ResourceLimits {
  readonly queriesPerHour: number;
  readonly updatesPerHour: number;
  readonly connectionsPerHour: number;
  readonly userConnections: number;
  /** MariaDB's MAX_STATEMENT_TIME in seconds, as the server prints it; undefined on MySQL. */
  readonly statementTime: string | undefined;
}

/** What an account has besides privileges that the clone must share: its plugin, TLS requirement and limits. */
interface AccountOptions {
  readonly plugin: string;
  readonly tls: TlsRequirement;
  readonly limits: ResourceLimits;
}

/** A number of seconds as MariaDB prints max_statement_time; anything else is refused rather than put into SQL. */
const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;

function tlsClause(tls: TlsRequirement): string {
  switch (tls.type) {
    case '':
      return 'REQUIRE NONE';
    case 'ANY':
      return 'REQUIRE SSL';
    case 'X509':
      return 'REQUIRE X509';
    case 'SPECIFIED': {
      const parts = [
        tls.cipher === '' ? undefined : `CIPHER ${literal(tls.cipher)}`,
        tls.issuer === '' ? undefined : `ISSUER ${literal(tls.issuer)}`,
        tls.subject === '' ? undefined : `SUBJECT ${literal(tls.subject)}`,
      ].filter((part) => part !== undefined);
      return parts.length === 0 ? 'REQUIRE NONE' : `REQUIRE ${parts.join(' AND ')}`;
    }
  }
}

function count(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new UnexpectedServerDataError('The server reported a resource limit that is not a count');
  return String(value);
}

function limitsClause(limits: ResourceLimits): string {
  const parts = [
    `MAX_QUERIES_PER_HOUR ${count(limits.queriesPerHour)}`,
    `MAX_UPDATES_PER_HOUR ${count(limits.updatesPerHour)}`,
    `MAX_CONNECTIONS_PER_HOUR ${count(limits.connectionsPerHour)}`,
    `MAX_USER_CONNECTIONS ${count(limits.userConnections)}`,
  ];
  if (limits.statementTime !== undefined) {
    if (!DECIMAL.test(limits.statementTime)) throw new UnexpectedServerDataError('The server reported a statement time that is not a number');
    parts.push(`MAX_STATEMENT_TIME ${limits.statementTime}`);
  }
  return `WITH ${parts.join(' ')}`;
}

/** ` REQUIRE … WITH …` for CREATE USER or ALTER USER: the whole requirement and every limit, stated outright. */
function optionsClause(options: Pick<AccountOptions, 'tls' | 'limits'>): string {
  return `${tlsClause(options.tls)} ${limitsClause(options.limits)}`;
}

function sameOptions(left: Pick<AccountOptions, 'tls' | 'limits'>, right: Pick<AccountOptions, 'tls' | 'limits'>): boolean {
  const tls = (value: TlsRequirement) => [value.type, value.cipher, value.issuer, value.subject];
  const limits = (value: ResourceLimits) => [
    value.queriesPerHour,
    value.updatesPerHour,
    value.connectionsPerHour,
    value.userConnections,
    value.statementTime === undefined ? undefined : Number(value.statementTime),
  ];
  return JSON.stringify([tls(left.tls), limits(left.limits)]) === JSON.stringify([tls(right.tls), limits(right.limits)]);
}

/**
 * The statement giving the clone the original's TLS requirement and resource limits, or undefined when they
 * already match. Servers before ALTER USER took these clauses (MySQL 5.6) set them with GRANT USAGE.
 */
function optionsStatement(caps: ServerCapabilities, account: Account, want: AccountOptions, have: AccountOptions): Statement | undefined {
  if (sameOptions(want, have)) return undefined;
  return caps.alterUser
    ? { sql: `ALTER USER ${accountSql(account)} ${optionsClause(want)}` }
    : { sql: `GRANT USAGE ON *.* TO ${accountSql(account)} ${optionsClause(want)}` };
}

/** What a freshly created account has when CREATE USER states no options. */
function defaultOptions(plugin: string, statementTime: boolean): AccountOptions {
  return {
    plugin,
    tls: { type: '', cipher: '', issuer: '', subject: '' },
    limits: { queriesPerHour: 0, updatesPerHour: 0, connectionsPerHour: 0, userConnections: 0, statementTime: statementTime ? '0.000000' : undefined },
  };
}

export { defaultOptions, optionsClause, optionsStatement, sameOptions };
export type { AccountOptions, ResourceLimits, TlsRequirement, TlsType };
