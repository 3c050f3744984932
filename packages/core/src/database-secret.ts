import type { SecretSource } from './errors.js';
import {
  normalizeHost,
  optionalString,
  type RotatableSecret,
  readPort,
  readSsl,
  requireEngine,
  requirePassword,
  requireString,
  type SecretJson,
} from './secret-fields.js';

/** The secret JSON shape AWS documents for RDS, Aurora and DocumentDB credentials. */
interface DatabaseSecret extends RotatableSecret {
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly dbname: string | undefined;
  /** true: TLS with certificate and hostname verification; false: plaintext. Never a fallback between them. */
  readonly ssl: boolean;
}

/** How an engine reads the common shape: which `engine` values it serves and its defaults. */
interface DatabaseSecretShape {
  readonly engines: readonly string[];
  readonly defaultPort: number;
  readonly defaultDbname: string | undefined;
}

/** Validates the fields every database secret has; throws InvalidSecretError naming the first bad field. */
function parseDatabaseSecret(json: SecretJson, source: SecretSource, shape: DatabaseSecretShape): DatabaseSecret {
  return {
    engine: requireEngine(json, source, shape.engines),
    host: requireString(json, 'host', source),
    port: readPort(json, source, shape.defaultPort),
    username: requireString(json, 'username', source),
    password: requirePassword(json, source),
    dbname: optionalString(json, 'dbname', source) ?? shape.defaultDbname,
    ssl: readSsl(json, source),
    masterarn: optionalString(json, 'masterarn', source),
    fields: json,
  };
}

/** The fields that must agree between the current and pending versions: same engine, server and database. */
function databaseResource(secret: DatabaseSecret): Record<string, string | number | undefined> {
  return { engine: secret.engine, host: normalizeHost(secret.host), port: secret.port, dbname: secret.dbname };
}

export { databaseResource, parseDatabaseSecret };
export type { DatabaseSecret, DatabaseSecretShape };
