import {
  type AdminSession,
  type AlternateUserChange,
  type CredentialsRole,
  type DatabaseSecret,
  databaseResource,
  type EngineAdapter,
  type EngineDefaults,
  EngineOperationError,
  type OwnPasswordChange,
  parseDatabaseSecret,
  type RotationConfig,
  stepTimeoutMs,
  trustedCertificates,
  type UserSession,
  type UserState,
} from '@rotation-lambdas/core';
import pg from 'pg';
import { classifyConnectError, operationError } from './classify-error.js';
import {
  createCloneStatements,
  markerStatement,
  parseRotationMarker,
  type Queryable,
  readRole,
  setPasswordStatement,
  syncStatements,
} from './role-sync.js';
import { scramSha256Verifier } from './scram-verifier.js';

/** AWS's PostgreSQL template defaults: `:` is excluded too, because it breaks .pgpass and URL formats. */
const POSTGRES_DEFAULTS: EngineDefaults = { excludeCharacters: ':/@"\'\\', passwordLength: 32 };

/** NAMEDATALEN - 1: PostgreSQL truncates identifiers beyond 63 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** The pg client constructor, injectable so unit tests of the SQL can pass a fake. */
type ClientFactory = (config: pg.ClientConfig) => Pick<pg.Client, 'connect' | 'query' | 'end' | 'on'>;

interface PostgresAdapterOptions {
  readonly config: Pick<RotationConfig, 'connectTimeoutMs' | 'statementTimeoutMs' | 'env'>;
  readonly createClient?: ClientFactory;
}

type PostgresClient = ReturnType<ClientFactory>;

async function closeQuietly(client: PostgresClient): Promise<void> {
  // A failed close cannot undo anything already committed; the server drops the session either way.
  await client.end().catch(() => undefined);
}

/**
 * Fixes the master session's name resolution and identity before it runs anything: per-database and per-role
 * settings apply at login, and a search_path putting another schema before pg_catalog would resolve the
 * operators and functions of the master's own queries to whatever that schema's owner defined there.
 */
async function pinnedSession(client: PostgresClient): Promise<PostgresClient> {
  try {
    await client.query('SET search_path = pg_catalog, pg_temp; SET ROLE NONE');
  } catch (error) {
    await closeQuietly(client);
    throw operationError('session setup', 'master', error);
  }
  return client;
}

/** Runs `statements` in one transaction: PostgreSQL DDL on roles is transactional, so a crash leaves nothing half-made. */
async function inTransaction(client: Queryable, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

class PostgresUserSession implements UserSession {
  readonly #client: PostgresClient;
  readonly #username: string;
  readonly #login: CredentialsRole;

  constructor(client: PostgresClient, username: string, login: CredentialsRole) {
    this.#client = client;
    this.#username = username;
    this.#login = login;
  }

  async verify(): Promise<void> {
    let sessionUser: unknown;
    try {
      const { rows } = await this.#client.query<{ user: string }>('SELECT session_user AS user');
      sessionUser = rows[0]?.user;
    } catch (error) {
      throw operationError('test query', this.#login, error);
    }
    if (sessionUser !== this.#username) {
      throw new EngineOperationError('The session is not logged in as the secret user', this.#login, {
        engine: 'postgres',
        field: 'username',
      });
    }
  }

  async changeOwnPassword(change: OwnPasswordChange): Promise<void> {
    // SESSION_USER, not CURRENT_USER: a role with a `role` setting logs in as itself but runs as another.
    const verifier = scramSha256Verifier(change.newPassword);
    try {
      await this.#client.query(`ALTER ROLE SESSION_USER WITH PASSWORD ${pg.escapeLiteral(verifier)}`);
    } catch (error) {
      throw operationError('password change', this.#login, error);
    }
  }

  close(): Promise<void> {
    return closeQuietly(this.#client);
  }
}

class PostgresAdminSession implements AdminSession {
  readonly #client: PostgresClient;

  constructor(client: PostgresClient) {
    this.#client = client;
  }

  async describeUser(username: string): Promise<UserState> {
    try {
      const role = await readRole(this.#client, username);
      return role === undefined ? { exists: false } : { exists: true, marker: parseRotationMarker(role.comment) };
    } catch (error) {
      throw operationError('role lookup', 'master', error);
    }
  }

  async applyAlternateUser(change: AlternateUserChange): Promise<void> {
    const verifier = scramSha256Verifier(change.password);
    try {
      await inTransaction(this.#client, async () => {
        if (change.createClone) {
          for (const statement of createCloneStatements(change.clone, change.original, verifier, change.secretArn)) {
            await this.#client.query(statement);
          }
        } else {
          await this.#client.query(setPasswordStatement(change.target, verifier, change.target === change.clone));
          if (change.markClone) await this.#client.query(markerStatement(change.clone, change.original, change.secretArn));
        }
        for (const statement of await syncStatements(this.#client, change.original, change.clone)) {
          await this.#client.query(statement);
        }
      });
    } catch (error) {
      throw operationError(change.createClone ? 'clone creation' : 'alternate user update', 'master', error);
    }
  }

  async missingPrivileges(original: string): Promise<string[]> {
    // PostgreSQL 16 moved granting a role from CREATEROLE to ADMIN OPTION on that role.
    const { rows } = await this.#client.query<{ rolsuper: boolean; rolcreaterole: boolean; version: number; target_super: boolean | null; admin: boolean | null }>(
      `SELECT me.rolsuper, me.rolcreaterole, current_setting('server_version_num')::int AS version,
              o.rolsuper AS target_super,
              CASE WHEN o.oid IS NULL THEN NULL ELSE pg_has_role(current_user, o.oid, 'USAGE WITH ADMIN OPTION') END AS admin
         FROM pg_catalog.pg_roles me LEFT JOIN pg_catalog.pg_roles o ON o.rolname = $1
        WHERE me.rolname = current_user`,
      [original],
    ).catch((error: unknown) => {
      throw operationError('privilege check', 'master', error);
    });
    const me = rows[0];
    if (me === undefined || me.rolsuper) return [];
    const missing: string[] = [];
    if (!me.rolcreaterole) missing.push('CREATEROLE');
    if (me.target_super) missing.push('SUPERUSER (the original role is a superuser)');
    if (me.version >= 160000 && me.admin === false) missing.push('ADMIN OPTION on the original role');
    return missing;
  }

  close(): Promise<void> {
    return closeQuietly(this.#client);
  }
}

/**
 * The PostgreSQL engine: `pg` as the driver, TLS verified unless the secret says `ssl: false`, passwords
 * sent as SCRAM-SHA-256 verifiers, the clone kept in sync by membership plus attributes and settings.
 */
function createPostgresAdapter(options: PostgresAdapterOptions): EngineAdapter<DatabaseSecret> {
  const { config } = options;
  const createClient: ClientFactory = options.createClient ?? ((clientConfig) => new pg.Client(clientConfig));
  let trust: { ca?: string[] } | undefined;

  async function open(secret: DatabaseSecret, database: string | undefined, login: CredentialsRole): Promise<PostgresClient> {
    if (trust === undefined) {
      const ca = trustedCertificates(config.env);
      trust = ca === undefined ? {} : { ca };
    }
    const client = createClient({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database,
      ssl: secret.ssl ? { rejectUnauthorized: true, ...trust } : false,
      // Each limit cut to what is left of the step, so a slow server fails the step in time, typed.
      connectionTimeoutMillis: stepTimeoutMs(config.connectTimeoutMs),
      statement_timeout: stepTimeoutMs(config.statementTimeoutMs),
      query_timeout: stepTimeoutMs(config.statementTimeoutMs),
      application_name: 'rotation-lambdas',
    });
    // Without a listener a dropped connection would surface as an uncaught 'error' event and kill the runtime.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await closeQuietly(client);
      throw classifyConnectError(error, login);
    }
    return client;
  }

  return {
    name: 'postgres',
    defaults: POSTGRES_DEFAULTS,
    parseSecret: (json, source) =>
      parseDatabaseSecret(json, source, {
        engines: ['postgres', 'aurora-postgresql'],
        defaultPort: 5432,
        defaultDbname: 'postgres',
      }),
    resourceOf: databaseResource,
    endpointsOf: (secret) => [{ host: secret.host, port: secret.port }],
    maxUsernameLength: () => MAX_IDENTIFIER_BYTES,
    measureUsername: (username) => Buffer.byteLength(username, 'utf8'),
    connect: async (secret, login) => new PostgresUserSession(await open(secret, secret.dbname, login), secret.username, login),
    // The master logs in to its own secret's database, not to one the application secret names: roles, their
    // settings and memberships are cluster-wide catalogs, and a database the application owns can carry
    // settings (search_path, role) that would apply to the master's session.
    connectAdmin: async (master) => new PostgresAdminSession(await pinnedSession(await open(master, master.dbname, 'master'))),
  };
}

export { createPostgresAdapter, POSTGRES_DEFAULTS };
export type { ClientFactory, PostgresAdapterOptions };
