import { isIPv6 } from 'node:net';
import {
  type DatabaseSecret,
  InvalidSecretError,
  optionalString,
  parseDatabaseSecret,
  type SecretJson,
  type SecretSource,
} from '@rotation-lambdas/core';

/** The `engine` values the handlers serve: AWS's MongoDB templates use `mongo`; RDS names DocumentDB `docdb`. */
const DOCUMENTDB_ENGINES = ['mongo', 'docdb'] as const;

/** Read preferences the driver knows; rotation itself always sends user commands to the host it connects to. */
const READ_PREFERENCES = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
type ReadPreferenceName = (typeof READ_PREFERENCES)[number];

/** A DocumentDB / MongoDB secret: the common database fields plus the replica-set options users keep in it. */
interface DocumentDbSecret extends DatabaseSecret {
  /** The user's authentication database (`admin` unless the secret says otherwise); the clone is made here too. */
  readonly dbname: string;
  /** Replica-set name (DocumentDB's is `rs0`): the driver checks it against the server's; no member discovery. */
  readonly replicaSet: string | undefined;
  readonly readPreference: ReadPreferenceName | undefined;
}

/** A DNS name or an IPv4 address: one host, nothing a connection string would read as a list or options. */
const HOST_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

function invalid(source: SecretSource, field: string, rule: string): InvalidSecretError {
  return new InvalidSecretError(`Field "${field}" of the ${source} secret ${rule}`, source, { field });
}

/** The host as the connection string needs it: a name or IPv4 as is, an IPv6 address in brackets. */
function hostForUri(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIPv6(bare) ? `[${bare}]` : host;
}

function checkHost(host: string, source: SecretSource): void {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!HOST_NAME.test(host) && !isIPv6(bare)) throw invalid(source, 'host', 'must be one host name or IP address');
}

function readReadPreference(json: SecretJson, source: SecretSource): ReadPreferenceName | undefined {
  const value = optionalString(json, 'readPreference', source);
  if (value === undefined) return undefined;
  const known = READ_PREFERENCES.find((mode) => mode === value);
  if (known === undefined) throw invalid(source, 'readPreference', `must be one of ${READ_PREFERENCES.join(', ')}`);
  return known;
}

/**
 * Validates a DocumentDB / MongoDB secret: the common fields (engine `mongo` or `docdb`, port 27017 and dbname
 * `admin` by default) plus `replicaSet` and `readPreference`. Throws InvalidSecretError naming the first bad field.
 * `dbname` is only ever a BSON value (the authentication source and the command's `$db`), so the server judges
 * it: a name it cannot hold fails the login like any database without the user.
 */
function parseDocumentDbSecret(json: SecretJson, source: SecretSource): DocumentDbSecret {
  const common = parseDatabaseSecret(json, source, {
    engines: DOCUMENTDB_ENGINES,
    defaultPort: 27017,
    defaultDbname: 'admin',
  });
  const dbname = common.dbname ?? 'admin';
  checkHost(common.host, source);
  return {
    ...common,
    dbname,
    replicaSet: optionalString(json, 'replicaSet', source),
    readPreference: readReadPreference(json, source),
  };
}

export { DOCUMENTDB_ENGINES, hostForUri, parseDocumentDbSecret, READ_PREFERENCES };
export type { DocumentDbSecret, ReadPreferenceName };
