import type { EngineDefaults } from './config.js';
import type { CredentialsRole, SecretSource } from './errors.js';
import type { RotatableSecret, SecretJson } from './secret-fields.js';

/** The network address a secret points at, for the master-on-the-same-server check. */
interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
}

/** What the engine knows of a user when rotation asks whether it may manage it. */
type UserState = { readonly exists: false } | { readonly exists: true; readonly createdByRotation: boolean };

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
  /** Whether `username` exists and whether it carries the engine's created-by-rotation marker. */
  describeUser(username: string): Promise<UserState>;
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
  /** The server the secret points at, for the master-on-the-same-server check. */
  endpointOf(secret: S): ServerEndpoint;
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
  ServerEndpoint,
  UserSession,
  UserState,
};
