import {
  type AdminSession,
  type AlternateUserChange,
  type CredentialsRole,
  databaseResource,
  type EngineAdapter,
  type EngineDefaults,
  EngineOperationError,
  type OwnPasswordChange,
  type RotationConfig,
  stepTimeoutMs,
  trustedCertificates,
  type UserSession,
  type UserState,
} from '@rotation-lambdas/core';
import type { Document } from 'mongodb';
import { operationError } from './classify-error.js';
import { clientSpec } from './client-options.js';
import { type DocumentDbSecret, parseDocumentDbSecret } from './documentdb-secret.js';
import { type ClientFactory, closeQuietly, type MongoClientLike, openClient } from './open-client.js';
import { holdsScramPassword } from './scram-credential.js';
import {
  createUserCommand,
  type RoleGrant,
  roleSyncCommands,
  setPasswordCommand,
  type UserRecord,
  userFromReply,
  usersInfoCommand,
} from './user-commands.js';

/** AWS's MongoDB template default: `/ @ " ' \` are excluded (DocumentDB refuses `/ " @` in master passwords). */
const DOCUMENTDB_DEFAULTS: EngineDefaults = { excludeCharacters: '/@"\'\\', passwordLength: 32 };

/**
 * DocumentDB documents user names of 1 to 63 characters (MasterUsername, Amazon DocumentDB cluster settings);
 * MongoDB has no short limit, so the stricter rule applies to both. USERNAME_CHARACTER_LIMIT overrides it.
 */
const MAX_USERNAME_LENGTH = 63;

const ENGINE = 'documentdb';

/** Options for the DocumentDB adapter. */
interface DocumentDbAdapterOptions {
  readonly config: Pick<RotationConfig, 'connectTimeoutMs' | 'statementTimeoutMs' | 'env'>;
  readonly createClient?: ClientFactory;
}

/** Runs one command on `database` of the primary; wraps a failure with the operation's name. */
async function runCommand(client: MongoClientLike, database: string, command: Document, operation: string, login: CredentialsRole): Promise<Document> {
  try {
    return await client.db(database).command(command, { readPreference: 'primary' });
  } catch (error) {
    throw operationError(operation, login, error);
  }
}

class DocumentDbUserSession implements UserSession {
  readonly #client: MongoClientLike;
  readonly #secret: DocumentDbSecret;
  readonly #login: CredentialsRole;

  constructor(client: MongoClientLike, secret: DocumentDbSecret, login: CredentialsRole) {
    this.#client = client;
    this.#secret = secret;
    this.#login = login;
  }

  async verify(): Promise<void> {
    const status = await runCommand(this.#client, this.#secret.dbname, { connectionStatus: 1 }, 'connection status', this.#login);
    const users: unknown = status.authInfo?.authenticatedUsers;
    const authenticated =
      Array.isArray(users) && users.some((user: Document) => user?.user === this.#secret.username && user?.db === this.#secret.dbname);
    if (!authenticated) {
      throw new EngineOperationError('The session is not logged in as the secret user', this.#login, { engine: ENGINE, field: 'username' });
    }
  }

  async changeOwnPassword(change: OwnPasswordChange): Promise<void> {
    // updateUser on the user's own authentication database; MongoDB needs the changeOwnPassword action for it.
    await runCommand(this.#client, this.#secret.dbname, setPasswordCommand(this.#secret.username, change.newPassword), 'password change', this.#login);
  }

  close(): Promise<void> {
    return closeQuietly(this.#client);
  }
}

class DocumentDbAdminSession implements AdminSession {
  readonly #client: MongoClientLike;
  /** The target user's authentication database: where the pair lives, whatever the master's own is. */
  readonly #database: string;

  constructor(client: MongoClientLike, database: string) {
    this.#client = client;
    this.#database = database;
  }

  async #readUser(username: string): Promise<UserRecord | undefined> {
    const reply = await runCommand(this.#client, this.#database, usersInfoCommand(username, this.#database), 'user lookup', 'master');
    try {
      return userFromReply(reply, username, this.#database);
    } catch (error) {
      throw operationError('user lookup', 'master', error);
    }
  }

  async #requireUser(username: string): Promise<UserRecord> {
    const record = await this.#readUser(username);
    if (record === undefined) {
      throw new EngineOperationError('A user of the pair disappeared from its authentication database during rotation', 'master', {
        engine: ENGINE,
        field: 'username',
      });
    }
    return record;
  }

  async #run(command: Document, operation: string): Promise<void> {
    await runCommand(this.#client, this.#database, command, operation, 'master');
  }

  async #createClone(change: AlternateUserChange, roles: readonly RoleGrant[]): Promise<void> {
    await this.#run(createUserCommand(change.clone, change.password, roles), 'clone creation');
  }

  /**
   * No marker: the only place MongoDB keeps data on a user, customData, is writable by the user itself
   * (`changeOwnCustomData`), so nothing in it can prove rotation made the account. Core proves ownership by
   * the passwords this secret's versions hold instead.
   */
  async describeUser(username: string): Promise<UserState> {
    const record = await this.#readUser(username);
    return record === undefined ? { exists: false } : { exists: true, marker: undefined };
  }

  /** Users of a database with SCRAM credentials cannot log in without a password (the server lists the mechanisms). */
  async requiresPassword(username: string): Promise<boolean | undefined> {
    const record = await this.#readUser(username);
    if (record === undefined || record.mechanisms.length === 0) return undefined;
    return record.mechanisms.every((mechanism) => mechanism.startsWith('SCRAM-')) ? true : undefined;
  }

  /** Checked against the stored SCRAM credentials where the server shows them to the master; else undefined. */
  async hasPassword(username: string, password: string): Promise<boolean | undefined> {
    let reply: Document;
    try {
      reply = await this.#client.db(this.#database).command(usersInfoCommand(username, this.#database, true), { readPreference: 'primary' });
    } catch {
      return undefined;
    }
    const users: unknown = reply.users;
    const entry = Array.isArray(users) ? (users as Document[]).find((user) => user?.user === username && user?.db === this.#database) : undefined;
    return entry === undefined ? undefined : holdsScramPassword(entry.credentials, username, password);
  }

  async applyAlternateUser(change: AlternateUserChange): Promise<void> {
    const original = await this.#requireUser(change.original);
    if (change.createClone) await this.#createClone(change, original.roles);
    else await this.#run(setPasswordCommand(change.target, change.password), 'password change');
    // Every rotation, not only at creation (AWS's template copies roles once): grants and revocations on
    // the original reach the clone at the clone's next turn at the latest.
    const clone = await this.#requireUser(change.clone);
    for (const command of roleSyncCommands(change.clone, original.roles, clone.roles)) {
      await this.#run(command, 'role sync');
    }
  }

  close(): Promise<void> {
    return closeQuietly(this.#client);
  }
}

/**
 * The DocumentDB / MongoDB engine: the `mongodb` driver, one short-lived client per login, TLS verified unless
 * the secret says `ssl: false`, users managed with createUser / updateUser / grantRolesToUser /
 * revokeRolesFromUser in the original user's authentication database, the clone marked in customData.
 */
function createDocumentDbAdapter(options: DocumentDbAdapterOptions): EngineAdapter<DocumentDbSecret> {
  const { config } = options;
  // The driver is loaded on the first login: createSecret and finishSecret never open a connection. A CommonJS
  // module's exports are the import's `default`, in Node and in the bundle alike.
  const createClient: ClientFactory =
    options.createClient ?? (async (uri, clientOptions) => new (await import('mongodb')).default.MongoClient(uri, clientOptions));
  let ca: { value: readonly string[] | undefined } | undefined;

  function open(secret: DocumentDbSecret, authSource: string, login: CredentialsRole): Promise<MongoClientLike> {
    ca ??= { value: trustedCertificates(config.env) };
    const spec = clientSpec(secret, { username: secret.username, password: secret.password, authSource }, {
      // Each limit cut to what is left of the step, so a slow server fails the step in time, typed.
      connectTimeoutMs: stepTimeoutMs(config.connectTimeoutMs),
      statementTimeoutMs: stepTimeoutMs(config.statementTimeoutMs),
      ca: ca.value,
    });
    return openClient(createClient, spec, { host: secret.host, port: secret.port, tls: secret.ssl }, login);
  }

  return {
    name: ENGINE,
    defaults: DOCUMENTDB_DEFAULTS,
    parseSecret: parseDocumentDbSecret,
    resourceOf: databaseResource,
    endpointsOf: (secret) => [{ host: secret.host, port: secret.port }],
    maxUsernameLength: () => MAX_USERNAME_LENGTH,
    connect: async (secret, login) => new DocumentDbUserSession(await open(secret, secret.dbname, login), secret, login),
    // The master authenticates on its own database and manages the pair in the target's (AWS's template used
    // the master's for both, so users outside `admin` were not found or were cloned into the wrong database).
    connectAdmin: async (master, target) => new DocumentDbAdminSession(await open(master, master.dbname, 'master'), target.dbname),
  };
}

export { createDocumentDbAdapter, DOCUMENTDB_DEFAULTS, MAX_USERNAME_LENGTH };
export type { DocumentDbAdapterOptions };
