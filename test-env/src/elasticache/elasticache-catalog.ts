import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Debugger } from 'debug';
import type { Redis } from 'ioredis';
import { partitionOf } from '../aws/arn-partition.js';
import { AwsServiceError } from '../aws/service-error.js';

/** Where a user group's users live: a real Redis server the stand-in applies every change to with ACL SETUSER. */
interface UserGroupBinding {
  /** An admin client of that server (allowed ACL SETUSER and ACL DELUSER). */
  adminClient(): Promise<Redis>;
}

/** A user as a test creates it directly (no API call, applied to Redis before the promise resolves). */
interface ElastiCacheUserSpec {
  readonly userId: string;
  readonly userName: string;
  readonly accessString: string;
  readonly passwords?: readonly string[];
  /** `iam` users cannot have passwords; `no-password` users let any password in; the default is `password`. */
  readonly authentication?: 'password' | 'no-password' | 'iam';
  readonly engine?: string;
  readonly userGroupIds?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** The states ElastiCache reports for users and user groups. */
type ResourceStatus = 'creating' | 'active' | 'modifying' | 'deleting';

/** A stored user. Passwords are kept as the SHA-256 digests Redis takes after `#`, never in clear. */
interface ElastiCacheUser {
  readonly userId: string;
  readonly userName: string;
  readonly arn: string;
  engine: string;
  accessString: string;
  passwordHashes: string[];
  authentication: 'password' | 'no-password' | 'iam';
  status: ResourceStatus;
  tags: Map<string, string>;
}

/** A stored user group and the Redis server its users are applied to. */
interface ElastiCacheUserGroup {
  readonly userGroupId: string;
  readonly arn: string;
  readonly binding: UserGroupBinding;
  readonly userIds: Set<string>;
  status: ResourceStatus;
}

/** A cache of the account: a replication group or a serverless cache, by the endpoints clients reach it at. */
interface ElastiCacheCache {
  readonly kind: 'replication-group' | 'serverless';
  readonly id: string;
  readonly endpoint: { readonly host: string; readonly port: number };
  readonly userGroupIds: readonly string[];
}

/** One field of a request the stand-in can check, for the operations to pass in. */
interface UserChange {
  readonly passwords?: readonly string[];
  readonly accessString?: string;
  readonly noPasswordRequired?: boolean;
}

/** CreateUser's user id pattern; ElastiCache stores ids in lower case. */
const USER_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_USER_ID_LENGTH = 40;

/** ElastiCache passwords: 16 to 128 printable ASCII characters, at most two per user. */
const PASSWORD = /^[\x21-\x7e]{16,128}$/;

/**
 * Access strings are ACL rules without passwords: ElastiCache sets those from the API and refuses `reset`,
 * password rules and `nopass` inside the string.
 */
const FORBIDDEN_ACCESS_TOKEN = /^(?:[<>#!]|reset$|resetpass$|nopass$)/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterValue', message);
}

/**
 * Users, user groups and tags of the local ElastiCache, and the asynchronous half of every change: a change
 * is validated and stored at once, the resource reports `modifying` (or `creating`), and only once the change
 * is applied to the bound Redis servers and `settleMs` has passed does it report `active` again.
 */
class ElastiCacheCatalog {
  readonly #region: string;
  readonly #accountId: string;
  readonly #settleMs: number;
  readonly #log: Debugger;
  readonly #users = new Map<string, ElastiCacheUser>();
  readonly #groups = new Map<string, ElastiCacheUserGroup>();
  readonly #caches: ElastiCacheCache[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #admins = new Map<UserGroupBinding, Promise<Redis>>();
  readonly #failures: Error[] = [];
  /** How many DescribeUsers answers reported a status other than `active`, for tests of the waiting. */
  busyAnswers = 0;

  constructor(region: string, accountId: string, settleMs: number, log: Debugger) {
    this.#region = region;
    this.#accountId = accountId;
    this.#settleMs = settleMs;
    this.#log = log;
  }

  #arn(kind: 'user' | 'usergroup', id: string): string {
    return `arn:${partitionOf(this.#region)}:elasticache:${this.#region}:${this.#accountId}:${kind}:${id}`;
  }

  /** The ARN a user with this id has. */
  userArn(userId: string): string {
    return this.#arn('user', userId.toLowerCase());
  }

  /** Changes applied to Redis that failed (a test asserts there are none). */
  failures(): readonly Error[] {
    return this.#failures;
  }

  /** Resolves once every change in flight has been applied and settled. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  addUserGroup(userGroupId: string, binding: UserGroupBinding): string {
    const id = userGroupId.toLowerCase();
    const arn = this.#arn('usergroup', id);
    this.#groups.set(id, { userGroupId: id, arn, binding, userIds: new Set(), status: 'active' });
    return arn;
  }

  /** Adds a cache whose clients reach it at `endpoint` and whose users are those of `userGroupIds`. */
  addCache(cache: ElastiCacheCache): void {
    for (const groupId of cache.userGroupIds) this.group(groupId);
    this.#caches.push(cache);
  }

  caches(kind: ElastiCacheCache['kind']): ElastiCacheCache[] {
    return this.#caches.filter((cache) => cache.kind === kind);
  }

  /** Adds tags to a user (AddTagsToResource); existing keys are overwritten. */
  tagUser(arn: string, tags: ReadonlyMap<string, string>): ElastiCacheUser {
    const user = this.userByArn(arn);
    for (const [key, value] of tags) {
      if (value.length > 256) throw invalid('Tag values have at most 256 characters.');
      user.tags.set(key, value);
    }
    if (user.tags.size > 50) throw new AwsServiceError('TagQuotaPerResourceExceeded', 'A resource has at most 50 tags.');
    return user;
  }

  /** Stores a user, puts it in its groups and applies it to their servers before resolving. */
  async putUser(spec: ElastiCacheUserSpec): Promise<string> {
    const userId = this.#checkUserId(spec.userId);
    const user: ElastiCacheUser = {
      userId,
      userName: spec.userName,
      arn: this.#arn('user', userId),
      engine: spec.engine ?? 'redis',
      accessString: this.#checkAccessString(spec.accessString),
      passwordHashes: (spec.passwords ?? []).map(sha256),
      authentication: spec.authentication ?? 'password',
      status: 'active',
      tags: new Map(Object.entries(spec.tags ?? {})),
    };
    this.#users.set(userId, user);
    for (const groupId of spec.userGroupIds ?? []) {
      const group = this.group(groupId);
      group.userIds.add(userId);
      await this.#applyUser(group, user);
    }
    return user.arn;
  }

  #checkUserId(userId: string): string {
    const id = userId.toLowerCase();
    if (id.length > MAX_USER_ID_LENGTH || !USER_ID.test(id)) throw invalid(`Invalid user id ${userId}.`);
    return id;
  }

  #checkAccessString(accessString: string): string {
    const tokens = accessString.trim().split(/\s+/);
    if (accessString.trim() === '' || tokens.some((token) => FORBIDDEN_ACCESS_TOKEN.test(token))) {
      throw invalid('Access string must not be empty and must not contain passwords, nopass or reset.');
    }
    return accessString;
  }

  #checkPasswords(passwords: readonly string[]): string[] {
    if (passwords.length < 1 || passwords.length > 2) throw invalid('A user can have one or two passwords.');
    if (!passwords.every((password) => PASSWORD.test(password))) {
      throw invalid('Passwords must be between 16 and 128 printable characters.');
    }
    return passwords.map(sha256);
  }

  user(userId: string): ElastiCacheUser {
    const user = this.#users.get(userId.toLowerCase());
    if (user === undefined) throw new AwsServiceError('UserNotFound', `User ${userId} not found.`, 404);
    return user;
  }

  userByArn(arn: string): ElastiCacheUser {
    for (const user of this.#users.values()) if (user.arn === arn) return user;
    throw new AwsServiceError('UserNotFound', `User ${arn} not found.`, 404);
  }

  users(): ElastiCacheUser[] {
    return [...this.#users.values()];
  }

  group(userGroupId: string): ElastiCacheUserGroup {
    const group = this.#groups.get(userGroupId.toLowerCase());
    if (group === undefined) throw new AwsServiceError('UserGroupNotFound', `User group ${userGroupId} not found.`, 404);
    return group;
  }

  groups(): ElastiCacheUserGroup[] {
    return [...this.#groups.values()];
  }

  groupsOf(user: ElastiCacheUser): ElastiCacheUserGroup[] {
    return this.groups().filter((group) => group.userIds.has(user.userId));
  }

  /** The status DescribeUsers reports, counted when it is not `active`. */
  reportStatus(user: ElastiCacheUser): ResourceStatus {
    if (user.status !== 'active') this.busyAnswers += 1;
    return user.status;
  }

  createUser(spec: { userId: string; userName: string; engine: string; accessString: string; tags: Map<string, string> } & UserChange): ElastiCacheUser {
    const userId = this.#checkUserId(spec.userId);
    if (this.#users.has(userId)) throw new AwsServiceError('UserAlreadyExists', `User ${userId} already exists.`);
    if ([...this.#users.values()].some((user) => user.userName === spec.userName && user.engine === spec.engine)) {
      throw new AwsServiceError('DuplicateUserName', `User name ${spec.userName} already exists.`);
    }
    if (spec.noPasswordRequired === true && spec.passwords !== undefined) {
      throw new AwsServiceError('InvalidParameterCombination', 'No password required users cannot have passwords.');
    }
    const user: ElastiCacheUser = {
      userId,
      userName: spec.userName,
      arn: this.#arn('user', userId),
      engine: spec.engine,
      accessString: this.#checkAccessString(spec.accessString),
      passwordHashes: spec.passwords === undefined ? [] : this.#checkPasswords(spec.passwords),
      authentication: spec.noPasswordRequired === true ? 'no-password' : 'password',
      status: 'creating',
      tags: spec.tags,
    };
    this.#users.set(userId, user);
    // A user in no group exists on no server yet; it only has to settle.
    this.#track(user, async () => undefined);
    return user;
  }

  modifyUser(userId: string, change: UserChange): ElastiCacheUser {
    const user = this.user(userId);
    if (user.status !== 'active') throw new AwsServiceError('InvalidUserState', `User ${user.userId} has status ${user.status}.`);
    if (change.passwords !== undefined && user.authentication === 'iam') {
      throw new AwsServiceError('InvalidParameterCombination', 'IAM users cannot have passwords.');
    }
    const hashes = change.passwords === undefined ? undefined : this.#checkPasswords(change.passwords);
    const accessString = change.accessString === undefined ? undefined : this.#checkAccessString(change.accessString);
    if (hashes !== undefined) {
      user.passwordHashes = hashes;
      user.authentication = 'password';
    }
    if (accessString !== undefined) user.accessString = accessString;
    user.status = 'modifying';
    this.#track(user, async () => {
      for (const group of this.groupsOf(user)) await this.#applyUser(group, user);
    });
    return user;
  }

  deleteUser(userId: string): ElastiCacheUser {
    const user = this.user(userId);
    const groups = this.groupsOf(user);
    for (const group of groups) group.userIds.delete(user.userId);
    this.#users.delete(user.userId);
    user.status = 'deleting';
    this.#track(user, async () => {
      for (const group of groups) await (await this.#admin(group)).call('ACL', 'DELUSER', user.userName);
    });
    return user;
  }

  modifyUserGroup(userGroupId: string, add: readonly string[], remove: readonly string[]): ElastiCacheUserGroup {
    const group = this.group(userGroupId);
    if (group.status !== 'active') {
      throw new AwsServiceError('InvalidUserGroupState', `User group ${group.userGroupId} has status ${group.status}.`);
    }
    const added = add.map((id) => this.user(id));
    const removed = remove.map((id) => this.user(id));
    for (const user of added) group.userIds.add(user.userId);
    for (const user of removed) group.userIds.delete(user.userId);
    group.status = 'modifying';
    this.#track(group, async () => {
      const admin = await this.#admin(group);
      for (const user of added) await this.#applyUser(group, user);
      for (const user of removed) await admin.call('ACL', 'DELUSER', user.userName);
    });
    return group;
  }

  /** The ACL SETUSER that makes the server's user match the stored one: access string, then passwords by hash. */
  /** One admin connection per bound server, opened on first use. */
  #admin(group: ElastiCacheUserGroup): Promise<Redis> {
    let admin = this.#admins.get(group.binding);
    if (admin === undefined) {
      admin = group.binding.adminClient();
      this.#admins.set(group.binding, admin);
    }
    return admin;
  }

  async #applyUser(group: ElastiCacheUserGroup, user: ElastiCacheUser): Promise<void> {
    const admin = await this.#admin(group);
    const rules = ['reset', ...user.accessString.trim().split(/\s+/), ...user.passwordHashes.map((hash) => `#${hash}`)];
    if (user.authentication === 'no-password') rules.push('nopass');
    await admin.call('ACL', 'SETUSER', user.userName, ...rules);
  }

  /**
   * Runs `apply` in the background once `settleMs` has passed, and only then reports the resource `active`:
   * a client that does not wait for `active` sees the old state, so a missing wait fails every time.
   */
  #track(resource: { status: ResourceStatus }, apply: () => Promise<void>): void {
    const work = sleep(this.#settleMs)
      .then(apply)
      .then(
        () => undefined,
        (error: unknown) => {
          this.#log('applying a change to Redis failed: %s', error instanceof Error ? error.message : error);
          this.#failures.push(error instanceof Error ? error : new Error(String(error)));
        },
      )
      .finally(() => {
        if (resource.status !== 'deleting') resource.status = 'active';
        this.#inFlight.delete(work);
      });
    this.#inFlight.add(work);
  }
}

export { ElastiCacheCatalog };
export type { ElastiCacheCache, ElastiCacheUser, ElastiCacheUserGroup, ElastiCacheUserSpec, ResourceStatus, UserChange, UserGroupBinding };
