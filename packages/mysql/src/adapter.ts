import {
  type AdminSession,
  type AlternateUserChange,
  type CredentialsRole,
  currentDeadline,
  DeadlineExceededError,
  type DatabaseSecret,
  databaseResource,
  EngineAuthError,
  type EngineDefaults,
  type EngineAdapter,
  EngineOperationError,
  type OwnPasswordChange,
  parseDatabaseSecret,
  RotationError,
  type RotationConfig,
  readEnvBoolean,
  stepTimeoutMs,
  trustedCertificates,
  UnsupportedFeatureError,
  type UserSession,
  type UserState,
  UsernameTooLongError,
} from '@rotation-lambdas/core';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import type mysql from 'mysql2/promise';
import { holdsPassword, requiresPassword, userMarker } from './account-ownership.js';
import { classifyConnectError, operationError } from './classify-error.js';
import { OriginalMissingError, planAlternateUser, ROTATION_MARKER } from './clone-plan.js';
import { missingMasterPrivileges } from './master-check.js';
import { ownPasswordStatements } from './password-statements.js';
import { PrivilegeReader, UnsupportedPrivilegeError } from './privilege-reader.js';
import { type ServerCapabilities, type ServerFacts, serverCapabilities } from './server-facts.js';
import { UnexpectedServerDataError } from './sql.js';
import { type MysqlConnection, SqlSession, text } from './sql-session.js';

const ENGINE = 'mysql';

/** AWS's MySQL and MariaDB template defaults: `/@"'\` excluded, 32 characters. */
const MYSQL_DEFAULTS: EngineDefaults = { excludeCharacters: '/@"\'\\', passwordLength: 32 };

/** The `engine` values one package serves; MySQL 5.7+ and Aurora MySQL store 32 characters per user name, MariaDB 80. */
const USERNAME_LIMITS: Readonly<Record<string, number>> = { mysql: 32, 'aurora-mysql': 32, mariadb: 80 };

/** The mysql2 connection constructor, injectable so unit tests can pass a fake. */
type ConnectionFactory = (options: mysql.ConnectionOptions) => Promise<MysqlConnection>;

/** What the adapter needs: timeouts, the environment (CA bundle, DUAL_PASSWORD) and optionally a fake driver. */
interface MysqlAdapterOptions {
  readonly config: Pick<RotationConfig, 'connectTimeoutMs' | 'statementTimeoutMs' | 'env'>;
  readonly createConnection?: ConnectionFactory;
}

/**
 * mysql2 gives TLS no server name when the host is an IP address, and Node then checks the certificate
 * against "localhost" (its last fallback after the socket's own host, which it records only for names it
 * resolved). Recording the address on the socket makes Node check the certificate's IP entries instead.
 */
function ipLiteralSocket(host: string, port: number): () => Socket {
  return () => {
    const socket = tcpConnect(port, host);
    socket.setNoDelay(true);
    Object.assign(socket, { _host: host });
    return socket;
  };
}

function assertFits(username: string, limit: number): void {
  if ([...username].length > limit) {
    throw new UsernameTooLongError(`Alternate username exceeds the server's limit of ${limit}`, limit, { field: 'username', engine: ENGINE });
  }
}

/** Runs `work`, passing RotationErrors through and turning anything else into the operation's typed error. */
async function guarded<T>(operation: string, login: CredentialsRole, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RotationError) throw error;
    if (error instanceof UnsupportedPrivilegeError) {
      throw new UnsupportedFeatureError(`MySQL ${operation} refused: ${error.message}`, { field: 'username', engine: ENGINE, cause: error });
    }
    if (error instanceof UnexpectedServerDataError) {
      throw new EngineOperationError(`MySQL ${operation} refused: ${error.message}`, login, { engine: ENGINE, cause: error });
    }
    if (error instanceof OriginalMissingError) {
      throw new EngineOperationError('The original user of the pair has no login account', login, { field: 'username', engine: ENGINE, cause: error });
    }
    throw operationError(operation, login, error);
  }
}

class MysqlUserSession implements UserSession {
  readonly #session: SqlSession;
  readonly #username: string;
  readonly #login: CredentialsRole;
  readonly #dualPassword: boolean;
  readonly #logsIn: (password: string) => Promise<boolean>;

  constructor(session: SqlSession, username: string, login: CredentialsRole, dualPassword: boolean, logsIn: (password: string) => Promise<boolean>) {
    this.#session = session;
    this.#username = username;
    this.#login = login;
    this.#dualPassword = dualPassword;
    this.#logsIn = logsIn;
  }

  async verify(): Promise<void> {
    // CURRENT_USER(), the account the server matched: a login that fell through to an anonymous account fails here.
    const account = await guarded('test query', this.#login, async () => text((await this.#session.rows('SELECT CURRENT_USER() AS account'))[0]?.account));
    if (!account.startsWith(`${this.#username}@`)) {
      throw new EngineOperationError('The session is not logged in as the secret user', this.#login, { engine: ENGINE, field: 'username' });
    }
  }

  async changeOwnPassword(change: OwnPasswordChange): Promise<void> {
    const facts = await guarded('server version lookup', this.#login, () => this.#session.facts());
    const caps = serverCapabilities(facts);
    if (this.#dualPassword) {
      if (!caps.dualPassword) {
        throw new UnsupportedFeatureError('DUAL_PASSWORD needs MySQL 8.0.14 or later; this server keeps one password per account', {
          field: 'DUAL_PASSWORD',
          engine: ENGINE,
        });
      }
      // A retry after the change went through: retaining again would keep the new password as the "old" one
      // and drop the password clients still use.
      if (await this.#logsIn(change.newPassword)) return;
    }
    const native = facts.flavour === 'mariadb' && (await this.#ownPluginIsNative());
    for (const statement of ownPasswordStatements(facts, caps, change, this.#dualPassword, native)) {
      try {
        await this.#session.execute(statement);
      } catch (error) {
        throw operationError('password change', this.#login, error, statement.secret);
      }
    }
  }

  /**
   * Whether the logged-in MariaDB account uses mysql_native_password, from its own SHOW CREATE USER (which
   * MariaDB lets an account run on itself). Anything unreadable counts as another plugin.
   */
  async #ownPluginIsNative(): Promise<boolean> {
    try {
      const [row] = await this.#session.rows('SHOW CREATE USER CURRENT_USER()');
      const statement = text(Object.values(row ?? {})[0]);
      return /\bIDENTIFIED BY PASSWORD '\*[0-9A-F]{40}'|\bIDENTIFIED VIA mysql_native_password\b/.test(statement);
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.#session.close();
  }
}

class MysqlAdminSession implements AdminSession {
  readonly #session: SqlSession;
  #context: Promise<{ facts: ServerFacts; caps: ServerCapabilities; reader: PrivilegeReader }> | undefined;

  constructor(session: SqlSession) {
    this.#session = session;
  }

  #load() {
    this.#context ??= guarded('server version lookup', 'master', async () => {
      const facts = await this.#session.facts();
      const caps = serverCapabilities(facts);
      return { facts, caps, reader: new PrivilegeReader(this.#session, facts, caps) };
    });
    return this.#context;
  }

  async describeUser(username: string): Promise<UserState> {
    const { caps, reader } = await this.#load();
    // The server's own limit (16 on MySQL 5.6), which may be below what the secret's engine suggested at createSecret.
    assertFits(username, caps.usernameLimit);
    return guarded('user lookup', 'master', async () => {
      const hosts = await reader.hostsOf(username);
      if (hosts.length === 0) return { exists: false };
      return { exists: true, marker: userMarker(await reader.markers(username, ROTATION_MARKER)) };
    });
  }

  async requiresPassword(username: string): Promise<boolean | undefined> {
    const { reader } = await this.#load();
    return guarded('credential lookup', 'master', async () => requiresPassword(await reader.credentials(username)));
  }

  async hasPassword(username: string, password: string): Promise<boolean | undefined> {
    const { reader } = await this.#load();
    return guarded('credential lookup', 'master', async () => holdsPassword(await reader.credentials(username), password));
  }

  async applyAlternateUser(change: AlternateUserChange): Promise<void> {
    const { facts, caps, reader } = await this.#load();
    assertFits(change.clone, caps.usernameLimit);
    const statements = await guarded('privilege lookup', 'master', () => planAlternateUser(reader, facts, caps, change));
    for (const statement of statements) {
      // The plan is made from the live state, so stopping between statements at the step's deadline loses
      // nothing: the service's retry plans what is still missing (a very large grant set over several tries).
      if (currentDeadline()?.remainingMs() === 0) throw new DeadlineExceededError('the alternate user privilege sync');
      try {
        await this.#session.execute(statement);
      } catch (error) {
        throw operationError(change.createClone ? 'clone creation' : 'alternate user update', 'master', error, statement.secret);
      }
    }
  }

  async missingPrivileges(original: string): Promise<string[]> {
    const { facts, reader } = await this.#load();
    return guarded('privilege check', 'master', async () => {
      const account = text((await this.#session.rows('SELECT CURRENT_USER() AS account'))[0]?.account);
      // User names may hold '@'; host patterns do not.
      const at = account.lastIndexOf('@');
      const masterState = (await reader.accounts(account.slice(0, at))).get(account.slice(at + 1));
      if (masterState === undefined) return ['SELECT on the mysql schema'];
      const originals = await Promise.all([...(await reader.accounts(original)).values()].map((state) => reader.privileges(state)));
      return missingMasterPrivileges(await reader.privileges(masterState), originals, facts.flavour);
    });
  }

  close(): Promise<void> {
    return this.#session.close();
  }
}

/**
 * The MySQL-family engine (MySQL 5.7/8.x, Aurora MySQL, MariaDB): `mysql2` as the driver, TLS verified
 * (chain and host name) unless the secret says `ssl: false`, flavour and version read from the server.
 * Alternating users copy the original's accounts, privileges, roles, TLS requirement and limits to the clone.
 */
function createMysqlAdapter(options: MysqlAdapterOptions): EngineAdapter<DatabaseSecret> {
  const { config } = options;
  // The driver is loaded on the first login: createSecret and finishSecret never open a connection. A CommonJS
  // module's exports are the import's `default`, in Node and in the bundle alike.
  const createConnection: ConnectionFactory =
    options.createConnection ?? (async (connectionOptions) => (await import('mysql2/promise')).default.createConnection(connectionOptions));
  const dualPassword = readEnvBoolean(config.env, 'DUAL_PASSWORD', false);
  let trust: { ca?: string[] } | undefined;

  async function open(secret: DatabaseSecret, database: string | undefined, login: CredentialsRole): Promise<SqlSession> {
    if (trust === undefined) {
      const ca = trustedCertificates(config.env);
      trust = ca === undefined ? {} : { ca };
    }
    let connection: MysqlConnection;
    try {
      connection = await createConnection({
        host: secret.host,
        port: secret.port,
        user: secret.username,
        password: secret.password,
        database,
        // verifyIdentity: mysql2 checks the host name only when asked; rejectUnauthorized checks the chain.
        ssl: secret.ssl ? { rejectUnauthorized: true, verifyIdentity: true, ...trust } : undefined,
        connectTimeout: stepTimeoutMs(config.connectTimeoutMs),
        // The adapter sends text queries only; the default (16,000) makes every connection allocate a 512 KB cache.
        maxPreparedStatements: 1,
        ...(secret.ssl && isIP(secret.host) !== 0 ? { stream: ipLiteralSocket(secret.host, secret.port) } : {}),
      });
    } catch (error) {
      throw classifyConnectError(error, login);
    }
    // Without a listener a dropped connection would surface as an uncaught 'error' event and kill the runtime.
    connection.on('error', () => undefined);
    return new SqlSession(connection, config.statementTimeoutMs);
  }

  async function logsIn(secret: DatabaseSecret, password: string): Promise<boolean> {
    try {
      await (await open({ ...secret, password }, secret.dbname, 'pending')).close();
      return true;
    } catch (error) {
      if (error instanceof EngineAuthError) return false;
      throw error;
    }
  }

  return {
    name: ENGINE,
    defaults: MYSQL_DEFAULTS,
    parseSecret: (json, source) =>
      parseDatabaseSecret(json, source, { engines: Object.keys(USERNAME_LIMITS), defaultPort: 3306, defaultDbname: undefined }),
    resourceOf: databaseResource,
    endpointsOf: (secret) => [{ host: secret.host, port: secret.port }],
    maxUsernameLength: (secret) => USERNAME_LIMITS[secret.engine] ?? 32,
    connect: async (secret, login) =>
      new MysqlUserSession(await open(secret, secret.dbname, login), secret.username, login, dualPassword, (password) => logsIn(secret, password)),
    // No default database for the master: MySQL grants are server-wide, and the master need not use the user's database.
    connectAdmin: async (master) => new MysqlAdminSession(await open(master, undefined, 'master')),
  };
}

export { createMysqlAdapter, MYSQL_DEFAULTS };
export type { ConnectionFactory, MysqlAdapterOptions };
