import type { EngineDefaults } from './config.js';
import type { CredentialsRole, SecretSource } from './errors.js';
import type { RotatableSecret, SecretJson } from './secret-fields.js';

/** A network address a secret points at, for the master-on-the-same-servers check. */
interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Rotation's marker on an account it created or adopted, kept where the account itself cannot write it (a
 * role comment, a user attribute, a resource tag). Engines whose only place for it is writable by the
 * account (MongoDB customData) or that have none (MariaDB, Redis ACL) report no marker.
 */
interface RotationMarker {
  /** The ARN of the secret whose rotation manages the account; undefined in a marker from before markers named it. */
  readonly secretArn: string | undefined;
  /** The original user the account is the alternate of, when the marker says. */
  readonly alternateOf: string | undefined;
}

/** What the engine knows of a user when rotation asks whether it may manage it. */
type UserState = { readonly exists: false } | { readonly exists: true; readonly marker: RotationMarker | undefined };

/** One alternating-users change, carried out by the master session. */
interface AlternateUserChange {
  /** The user the operator created; the clone's privileges are made equal to its privileges. */
  readonly original: string;
  /** The user rotation creates and keeps in sync. */
  readonly clone: string;
  /** The user whose password changes this rotation: the one that is not current. */
  readonly target: string;
  readonly password: string;
  /** true when the clone does not exist yet and must be created (marked as created by rotation). */
  readonly createClone: boolean;
  /** The ARN of the secret being rotated: what the clone's marker binds it to. */
  readonly secretArn: string;
  /** Write (or rewrite) the marker on the clone, binding it to `secretArn`; engines without markers ignore it. */
  readonly markClone: boolean;
}

/** The passwords a single-user change needs: engines that keep two passwords keep `currentPassword`. */
interface OwnPasswordChange {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/** A logged-in session as the secret's own user. Every method must be safe to repeat (steps are retried). */
interface UserSession {
  /** The test probe: proves the logged-in user can work (a query as that user), not only connect. */
  verify(): Promise<void>;
  /** Changes the logged-in user's own password (single-user setSecret). */
  changeOwnPassword(change: OwnPasswordChange): Promise<void>;
  close(): Promise<void>;
}

/** A logged-in session as the master user, managing the alternating pair. */
interface AdminSession {
  /** Whether `username` exists, and rotation's marker on it if the engine keeps one the account cannot write. */
  describeUser(username: string): Promise<UserState>;
  /**
   * The server's own statement of whether the account needs a password to log in: false for accounts it lets
   * in without one (Redis `nopass`, ElastiCache `no-password`, MySQL socket plugins); undefined when the
   * server cannot tell (PostgreSQL's pg_hba is not readable). Core then tries a wrong password instead.
   */
  requiresPassword?(username: string): Promise<boolean | undefined>;
  /**
   * Whether `password` is one of the account's passwords, checked against the server's stored form without
   * logging in; undefined when the server's form cannot be checked here. Core then tries a login instead.
   */
  hasPassword?(username: string, password: string): Promise<boolean | undefined>;
  /** Creates the clone if asked, sets the target's password, and syncs the clone's privileges to the original's. */
  applyAlternateUser(change: AlternateUserChange): Promise<void>;
  /**
   * Read-only, for preflight: what the master lacks to create the clone of `original` and grant it the
   * original's privileges, as short value-free descriptions; empty when nothing is missing.
   */
  missingPrivileges?(original: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The one interface an engine implements. Core owns the protocol, the checks and the secrets; the adapter
 * owns the driver: how to read its secret shape, log in, and change users. Adapters throw core's typed
 * errors and never log.
 */
interface EngineAdapter<S extends RotatableSecret = RotatableSecret> {
  /** Short engine name for logs and metrics (`postgres`). */
  readonly name: string;
  readonly defaults: EngineDefaults;
  /** Validates a secret's JSON; throws InvalidSecretError naming the field. */
  parseSecret(json: SecretJson, source: SecretSource): S;
  /** The fields that must be equal in the current and pending versions (engine, host, port, database…). */
  resourceOf(secret: S): Readonly<Record<string, string | number | boolean | undefined>>;
  /**
   * Every server the secret points at, the primary first: the master must serve each of them, and an
   * admin session logs in only to these once core has checked that.
   */
  endpointsOf(secret: S): readonly ServerEndpoint[];
  /** The longest alternate username the engine accepts for this secret, measured by `measureUsername`. */
  maxUsernameLength(secret: S): number;
  /** How the engine counts a name's length (characters by default; PostgreSQL counts bytes). */
  measureUsername?(username: string): number;
  /** Logs in as the secret's user; throws EngineAuthError, EngineConnectionError or EngineTlsError. */
  connect(secret: S, login: CredentialsRole): Promise<UserSession>;
  /** Logs in as the master user to manage the users of `target`'s database. */
  connectAdmin(master: S, target: S): Promise<AdminSession>;
}

export type {
  AdminSession,
  AlternateUserChange,
  EngineAdapter,
  OwnPasswordChange,
  RotationMarker,
  ServerEndpoint,
  UserSession,
  UserState,
};
