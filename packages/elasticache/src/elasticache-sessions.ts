import type { User } from '@aws-sdk/client-elasticache';
import {
  type AdminSession,
  type AlternateUserChange,
  AlternateUserConflictError,
  type CredentialsRole,
  EngineOperationError,
  type OwnPasswordChange,
  ResourceMismatchError,
  type ServerEndpoint,
  UnsupportedFeatureError,
  type UserSession,
  type UserState,
} from '@rotation-lambdas/core';
import { pingAll } from './acl-sessions.js';
import { ENGINE } from './classify-error.js';
import type { UserDirectory } from './control-plane.js';
import { closeLinks, type RedisLink } from './redis-connection.js';
import { siblingUserArn, type UserArn } from './user-arn.js';
import { userIdForName } from './user-id.js';

/** Whether `username` logs in with `password` on the secret's endpoint (an idempotency probe, no side effect). */
type LoginProbe = (username: string, password: string) => Promise<boolean>;

/**
 * The user `user_arn` names, which must exist, carry the secret's username, use passwords, and belong to a
 * user group of the cache behind the secret's `host`: every user group has a `default` user, and a name
 * alone would let a secret for one cache rewrite a same-named user of another.
 */
async function namedUser(directory: UserDirectory, arn: UserArn, username: string, login: CredentialsRole, cache: ServerEndpoint): Promise<User> {
  const user = await directory.describeUser(arn.userId);
  if (user === undefined) {
    throw new EngineOperationError('ElastiCache user named by "user_arn" does not exist', login, {
      engine: ENGINE,
      field: 'user_arn',
    });
  }
  if (user.UserName !== username) {
    // AWS's template modifies whatever user the ARN names; a secret for one user must not change another's password.
    throw new ResourceMismatchError('Field "user_arn" names an ElastiCache user whose name is not the secret\'s username', {
      field: 'user_arn',
      engine: ENGINE,
    });
  }
  if (user.Authentication?.Type !== undefined && user.Authentication.Type !== 'password' && user.Authentication.Type !== 'no-password') {
    throw new UnsupportedFeatureError('ElastiCache user named by "user_arn" authenticates with IAM, not passwords', {
      field: 'user_arn',
      engine: ENGINE,
    });
  }
  const cacheGroups = await directory.userGroupsOfCacheAt(cache.host, cache.port);
  if (cacheGroups === undefined) {
    throw new ResourceMismatchError('Field "host" is not an endpoint of an ElastiCache cache in the region of "user_arn"', {
      field: 'host',
      engine: ENGINE,
    });
  }
  if (!(user.UserGroupIds ?? []).some((group) => cacheGroups.has(group))) {
    throw new ResourceMismatchError('Field "user_arn" names a user in no user group of the cache behind "host"', {
      field: 'user_arn',
      engine: ENGINE,
    });
  }
  return user;
}

/** Whether the control plane says the user authenticates with a password (not `no-password`, which lets any in). */
function usesPassword(user: User): boolean {
  return user.Authentication?.Type === 'password';
}

/** Logged in to the cache as an ElastiCache RBAC user; its passwords change through the ElastiCache API only. */
class ElastiCacheUserSession implements UserSession {
  readonly #links: readonly RedisLink[];
  readonly #directory: UserDirectory;
  readonly #arn: UserArn;
  readonly #username: string;
  readonly #login: CredentialsRole;
  readonly #probe: LoginProbe;

  readonly #cache: ServerEndpoint;

  constructor(
    links: readonly RedisLink[],
    directory: UserDirectory,
    arn: UserArn,
    username: string,
    login: CredentialsRole,
    probe: LoginProbe,
    cache: ServerEndpoint,
  ) {
    this.#links = links;
    this.#directory = directory;
    this.#arn = arn;
    this.#username = username;
    this.#login = login;
    this.#probe = probe;
    this.#cache = cache;
  }

  verify(): Promise<void> {
    return pingAll(this.#links, this.#login);
  }

  /**
   * ModifyUser with `Passwords: [new, current]`: ElastiCache users hold two passwords, so clients holding
   * the current one keep working until the next rotation drops it. Waits until the user is `active` before
   * and after. A retry whose new password already logs in stops there: calling ModifyUser again would only
   * start another `modifying` period. That shortcut holds only for a `password` user: a `no-password` user lets
   * any password in, and ModifyUser is what secures it.
   */
  async changeOwnPassword(change: OwnPasswordChange): Promise<void> {
    await namedUser(this.#directory, this.#arn, this.#username, this.#login, this.#cache);
    const user = await this.#directory.waitForUser(this.#arn.userId);
    if (usesPassword(user) && (await this.#probe(this.#username, change.newPassword))) return;
    await this.#directory.modifyUser({ userId: this.#arn.userId, passwords: [change.newPassword, change.currentPassword] });
    await this.#directory.waitForUser(this.#arn.userId);
  }

  async close(): Promise<void> {
    closeLinks(this.#links);
  }
}

/**
 * Manages the alternating pair through the ElastiCache API (ACL commands are disabled on ElastiCache).
 * `user_arn` names the original user; the clone's user id is derived from its name (`userIdForName`).
 */
class ElastiCacheAdminSession implements AdminSession {
  readonly #directory: UserDirectory;
  readonly #arn: UserArn;
  readonly #probe: LoginProbe;
  readonly #cache: ServerEndpoint;
  #original: Promise<User | undefined> | undefined;

  constructor(directory: UserDirectory, arn: UserArn, probe: LoginProbe, cache: ServerEndpoint) {
    this.#directory = directory;
    this.#arn = arn;
    this.#probe = probe;
    this.#cache = cache;
  }

  #originalUser(): Promise<User | undefined> {
    this.#original ??= this.#directory.describeUser(this.#arn.userId);
    return this.#original;
  }

  /** The user of the pair with this name: the original by `user_arn`, the clone by its derived id. */
  async #userNamed(username: string): Promise<User | undefined> {
    const original = await this.#originalUser();
    if (original?.UserName === username) return original;
    const user = await this.#directory.describeUser(userIdForName(username));
    if (user !== undefined && user.UserName !== username) {
      throw new AlternateUserConflictError('An ElastiCache user with the alternate user\'s derived id has another name', {
        field: 'username',
        engine: ENGINE,
      });
    }
    return user;
  }

  /** The clone is looked up by its derived id; rotation's tags on it are the marker (the original carries none). */
  async describeUser(username: string): Promise<UserState> {
    const user = await this.#userNamed(username);
    if (user === undefined) return { exists: false };
    const isOriginal = user.UserId === this.#arn.userId;
    return { exists: true, marker: isOriginal || user.ARN === undefined ? undefined : await this.#directory.marker(user.ARN) };
  }

  /** The control plane's own statement: `password` users need one, `no-password` users let any in. */
  async requiresPassword(username: string): Promise<boolean | undefined> {
    const type = (await this.#userNamed(username))?.Authentication?.Type;
    if (type === 'password') return true;
    return type === 'no-password' ? false : undefined;
  }

  /**
   * Creates the clone (CreateUser with the original's engine and access string, tagged) or sets the target's
   * password (ModifyUser), then makes the clone's access string and user groups equal the original's.
   */
  async applyAlternateUser(change: AlternateUserChange): Promise<void> {
    const original = await namedUser(this.#directory, this.#arn, change.original, 'master', this.#cache);
    const accessString = original.AccessString ?? '';
    const cloneId = userIdForName(change.clone);
    if (change.createClone) {
      await this.#directory.createUser({
        userId: cloneId,
        userName: change.clone,
        engine: original.Engine ?? 'redis',
        accessString,
        password: change.password,
        secretArn: change.secretArn,
        original: change.original,
      });
    } else {
      const targetId = change.target === change.clone ? cloneId : this.#arn.userId;
      const target = await this.#directory.waitForUser(targetId);
      // A retry whose password already works stops here, but only for a `password` user: ModifyUser is what
      // secures a `no-password` one.
      if (!(usesPassword(target) && (await this.#probe(change.target, change.password)))) {
        await this.#directory.modifyUser({ userId: targetId, passwords: [change.password] });
        // The new password works only once the user is `active` again; testSecret logs in with it next.
        await this.#directory.waitForUser(targetId);
      }
      if (change.markClone) await this.#directory.mark(siblingUserArn(this.#arn, cloneId), change.secretArn, change.original);
    }
    await this.#syncClone(cloneId, accessString, original.UserGroupIds ?? []);
  }

  async #syncClone(cloneId: string, accessString: string, groups: readonly string[]): Promise<void> {
    let clone = await this.#directory.waitForUser(cloneId);
    if (clone.AccessString !== accessString) {
      await this.#directory.modifyUser({ userId: cloneId, accessString });
      clone = await this.#directory.waitForUser(cloneId);
    }
    const current = new Set(clone.UserGroupIds ?? []);
    const wanted = new Set(groups);
    const changes = [
      ...[...wanted].filter((group) => !current.has(group)).map((group) => ({ group, add: cloneId })),
      ...[...current].filter((group) => !wanted.has(group)).map((group) => ({ group, remove: cloneId })),
    ];
    for (const { group, ...change } of changes) {
      await this.#directory.waitForUserGroup(group);
      await this.#directory.modifyUserGroup(group, change);
    }
    // The clone can log in only once every group it was added to has applied the change.
    for (const { group } of changes) await this.#directory.waitForUserGroup(group);
    await this.#directory.waitForUser(cloneId);
  }

  async close(): Promise<void> {
    // Nothing to close: the API client is shared by the adapter.
  }
}

export { ElastiCacheAdminSession, ElastiCacheUserSession };
export type { LoginProbe };
