import { setTimeout as sleep } from 'node:timers/promises';
import {
  AddTagsToResourceCommand,
  CreateUserCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
  type Endpoint,
  ListTagsForResourceCommand,
  ModifyUserCommand,
  ModifyUserGroupCommand,
  type Tag,
  type User,
  type UserGroup,
} from '@aws-sdk/client-elasticache';
import {
  type CredentialsRole,
  currentDeadline,
  DeadlineExceededError,
  EngineBusyError,
  EngineConnectionError,
  EngineOperationError,
  normalizeHost,
  type RotationMarker,
} from '@rotation-lambdas/core';
import { driverCause, ENGINE } from './classify-error.js';

/** The slice of the SDK client rotation uses; injectable so unit tests can pass a fake. */
type ControlPlaneClient = Pick<ElastiCacheClient, 'send'>;

/** The SDK client for a region: the SDK's own retries (3 attempts), bounded connect and request times, an optional endpoint. */
function createControlPlaneClient(region: string, endpoint: string | undefined): ElastiCacheClient {
  return new ElastiCacheClient({
    region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 },
    ...(endpoint === undefined ? {} : { endpoint }),
  });
}

/** How long to wait for a user or user group to become `active` again, and how often to look. */
interface WaitSettings {
  /** The whole budget of one session, over every wait it does (MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS). */
  readonly maxWaitMs: number;
  /** The longest pause between two DescribeUsers calls (WAITING_RETRY_INTERVAL_IN_SECONDS). */
  readonly retryIntervalMs: number;
}

/** The clock and the pause, injectable so unit tests do not wait for real. */
interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time and real pauses. */
const REAL_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** The first pause; pauses double up to `retryIntervalMs`, so a quick change is seen quickly. */
const FIRST_PAUSE_MS = 250;

/** Tag that marks a user rotation created (ElastiCache users have no comment field; tags are its marker). */
const ROTATION_TAG = { Key: 'rotation-lambdas:created-by', Value: 'alternating-users-rotation' } as const;

/** Tags binding a clone to the secret whose rotation manages it (the ARN in 256-character parts) and to its original. */
const SECRET_TAG = 'rotation-lambdas:secret';
const ALTERNATE_OF_TAG = 'rotation-lambdas:alternate-of';
const MAX_TAG_VALUE = 256;
const SECRET_TAG_PARTS = 3;

/**
 * The marker tags for a clone of `original` managed by `secretArn`. Only principals with
 * elasticache:AddTagsToResource can write them: never the application secret's writer, who controls only
 * that secret, nor the cache user itself.
 */
function markerTags(secretArn: string, original: string): Tag[] {
  const tags: Tag[] = [{ ...ROTATION_TAG }, { Key: ALTERNATE_OF_TAG, Value: original }];
  for (let part = 0; part < SECRET_TAG_PARTS; part++) {
    const value = secretArn.slice(part * MAX_TAG_VALUE, (part + 1) * MAX_TAG_VALUE);
    if (value !== '' || part === 0) tags.push({ Key: part === 0 ? SECRET_TAG : `${SECRET_TAG}-${part + 1}`, Value: value });
  }
  return tags;
}

/** Rotation's marker in a user's tags; the created-by tag alone is a marker from before markers named their secret. */
function markerFromTags(tags: readonly Tag[]): RotationMarker | undefined {
  const byKey = new Map(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  const first = byKey.get(SECRET_TAG);
  if (first === undefined) {
    return byKey.get(ROTATION_TAG.Key) === ROTATION_TAG.Value ? { secretArn: undefined, alternateOf: undefined } : undefined;
  }
  let secretArn = first;
  for (let part = 2; part <= SECRET_TAG_PARTS; part++) secretArn += byKey.get(`${SECRET_TAG}-${part}`) ?? '';
  return { secretArn, alternateOf: byKey.get(ALTERNATE_OF_TAG) };
}

/** Whether an ElastiCache endpoint is host:port (host names compared as DNS does). */
function isEndpoint(endpoint: Endpoint | undefined, host: string, port: number): boolean {
  return endpoint?.Address !== undefined && normalizeHost(endpoint.Address) === normalizeHost(host) && endpoint.Port === port;
}

const ACTIVE = 'active';

function isServiceError(error: unknown, name: string): boolean {
  return (error as { name?: unknown } | undefined)?.name === name;
}

/** The names the API throttles with (the Query protocol's `Throttling`, and the JSON spelling), or HTTP 429. */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);

/** Whether the API throttled the call; it reaches the caller only after the SDK's own retries gave up. */
function isThrottling(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return (typeof name === 'string' && THROTTLING.has(name)) || $metadata?.httpStatusCode === 429;
}

/**
 * The ElastiCache users API as rotation needs it, over one session's wait budget: every method throws
 * EngineOperationError (the service answered with an error), EngineBusyError (it throttled the call after the
 * SDK's retries) or EngineConnectionError (it could not be reached) with a scrubbed SDK error as the cause;
 * request parameters (passwords) never ride along.
 */
class UserDirectory {
  readonly #client: ControlPlaneClient;
  readonly #waits: WaitSettings;
  readonly #clock: Clock;
  readonly #deadline: number;
  readonly #login: CredentialsRole;
  #cacheGroups: Promise<ReadonlySet<string> | undefined> | undefined;

  constructor(client: ControlPlaneClient, waits: WaitSettings, login: CredentialsRole, clock: Clock = REAL_CLOCK) {
    this.#client = client;
    this.#waits = waits;
    this.#clock = clock;
    this.#deadline = clock.now() + waits.maxWaitMs;
    this.#login = login;
  }

  #failure(operation: string, error: unknown): EngineConnectionError | EngineOperationError | DeadlineExceededError {
    if ((error as { name?: unknown } | undefined)?.name === 'AbortError' && currentDeadline() !== undefined) {
      return new DeadlineExceededError(`ElastiCache ${operation}`, { cause: driverCause(error) });
    }
    const options = { cause: driverCause(error), engine: ENGINE };
    if (isThrottling(error)) return new EngineBusyError(`The ElastiCache API throttled ${operation}`, this.#login, options);
    // An answer from the service carries an HTTP status; a network failure has none.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined) {
      return new EngineConnectionError(`The ElastiCache API could not be reached for ${operation}`, this.#login, options);
    }
    return new EngineOperationError(`ElastiCache ${operation} failed`, this.#login, options);
  }

  async #call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.#failure(operation, error);
    }
  }

  /** The SDK's per-call options: abort when the step's deadline passes. */
  #abort(): { abortSignal?: AbortSignal } {
    const deadline = currentDeadline();
    return deadline === undefined ? {} : { abortSignal: deadline.signal() };
  }

  /** The user with this id, or undefined when there is none. */
  async describeUser(userId: string): Promise<User | undefined> {
    try {
      const { Users } = await this.#client.send(new DescribeUsersCommand({ UserId: userId }), this.#abort());
      return Users?.find((user) => user.UserId === userId);
    } catch (error) {
      if (isServiceError(error, 'UserNotFoundFault')) return undefined;
      throw this.#failure('DescribeUsers', error);
    }
  }

  /** Rotation's marker in the user's tags, if any. */
  async marker(userArn: string): Promise<RotationMarker | undefined> {
    const { TagList } = await this.#call('ListTagsForResource', () =>
      this.#client.send(new ListTagsForResourceCommand({ ResourceName: userArn }), this.#abort()),
    );
    return markerFromTags(TagList ?? []);
  }

  /** Writes rotation's marker tags on a user, binding it to the secret and the original. */
  async mark(userArn: string, secretArn: string, original: string): Promise<void> {
    await this.#call('AddTagsToResource', () =>
      this.#client.send(new AddTagsToResourceCommand({ ResourceName: userArn, Tags: markerTags(secretArn, original) }), this.#abort()),
    );
  }

  /**
   * The user groups of the cache whose endpoint is host:port, in this account and region: a replication
   * group's configuration, primary, reader or node endpoint, or a serverless cache's endpoint. Undefined when
   * no cache has that endpoint. Read once per session.
   */
  userGroupsOfCacheAt(host: string, port: number): Promise<ReadonlySet<string> | undefined> {
    this.#cacheGroups ??= this.#findCacheGroups(host, port);
    return this.#cacheGroups;
  }

  async #findCacheGroups(host: string, port: number): Promise<ReadonlySet<string> | undefined> {
    let marker: string | undefined;
    do {
      const page = await this.#call('DescribeReplicationGroups', () =>
        this.#client.send(new DescribeReplicationGroupsCommand({ MaxRecords: 100, ...(marker === undefined ? {} : { Marker: marker }) }), this.#abort()),
      );
      for (const group of page.ReplicationGroups ?? []) {
        const endpoints = [
          group.ConfigurationEndpoint,
          ...(group.NodeGroups ?? []).flatMap((nodes) => [
            nodes.PrimaryEndpoint,
            nodes.ReaderEndpoint,
            ...(nodes.NodeGroupMembers ?? []).map((member) => member.ReadEndpoint),
          ]),
        ];
        if (endpoints.some((endpoint) => isEndpoint(endpoint, host, port))) return new Set(group.UserGroupIds ?? []);
      }
      marker = page.Marker;
    } while (marker !== undefined);
    let token: string | undefined;
    do {
      const page = await this.#call('DescribeServerlessCaches', () =>
        this.#client.send(new DescribeServerlessCachesCommand({ MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) }), this.#abort()),
      );
      for (const cache of page.ServerlessCaches ?? []) {
        if ([cache.Endpoint, cache.ReaderEndpoint].some((endpoint) => isEndpoint(endpoint, host, port))) {
          return new Set(cache.UserGroupId === undefined ? [] : [cache.UserGroupId]);
        }
      }
      token = page.NextToken;
    } while (token !== undefined);
    return undefined;
  }

  /** Creates a password user with rotation's marker tags. */
  async createUser(input: {
    userId: string;
    userName: string;
    engine: string;
    accessString: string;
    password: string;
    secretArn: string;
    original: string;
  }): Promise<void> {
    await this.#call('CreateUser', () =>
      this.#client.send(
        new CreateUserCommand({
          UserId: input.userId,
          UserName: input.userName,
          Engine: input.engine,
          AccessString: input.accessString,
          Passwords: [input.password],
          NoPasswordRequired: false,
          Tags: markerTags(input.secretArn, input.original),
        }),
        this.#abort(),
      ),
    );
  }

  /** Replaces the user's passwords and/or access string. */
  async modifyUser(input: { userId: string; passwords?: readonly string[]; accessString?: string }): Promise<void> {
    await this.#call('ModifyUser', () =>
      this.#client.send(
        new ModifyUserCommand({
          UserId: input.userId,
          ...(input.passwords === undefined ? {} : { Passwords: [...input.passwords], NoPasswordRequired: false }),
          ...(input.accessString === undefined ? {} : { AccessString: input.accessString }),
        }),
        this.#abort(),
      ),
    );
  }

  /** Adds or removes one user in a user group. */
  async modifyUserGroup(userGroupId: string, change: { add?: string; remove?: string }): Promise<void> {
    await this.#call('ModifyUserGroup', () =>
      this.#client.send(
        new ModifyUserGroupCommand({
          UserGroupId: userGroupId,
          ...(change.add === undefined ? {} : { UserIdsToAdd: [change.add] }),
          ...(change.remove === undefined ? {} : { UserIdsToRemove: [change.remove] }),
        }),
        this.#abort(),
      ),
    );
  }

  async #describeUserGroup(userGroupId: string): Promise<UserGroup | undefined> {
    const { UserGroups } = await this.#call('DescribeUserGroups', () =>
      this.#client.send(new DescribeUserGroupsCommand({ UserGroupId: userGroupId }), this.#abort()),
    );
    return UserGroups?.find((group) => group.UserGroupId === userGroupId);
  }

  /**
   * Polls until `describe` reports `active`, pausing 250 ms, then twice as long each time up to the retry
   * interval, within the session's budget. AWS's template sleeps a fixed 10 s up to 600 s, which does not
   * fit the 30 s Lambda timeout; a step that runs out of budget fails and Secrets Manager retries it.
   */
  async #waitUntilActive<T extends { Status?: string }>(what: string, describe: () => Promise<T | undefined>): Promise<T> {
    let pause = Math.min(FIRST_PAUSE_MS, this.#waits.retryIntervalMs);
    for (;;) {
      const resource = await describe();
      if (resource === undefined || resource.Status === 'deleting') {
        throw new EngineOperationError(`ElastiCache ${what} does not exist or is being deleted`, this.#login, { engine: ENGINE });
      }
      if (resource.Status === ACTIVE) return resource;
      const stepLeft = currentDeadline()?.remainingMs();
      if (stepLeft !== undefined && stepLeft <= Math.min(pause, this.#waits.retryIntervalMs)) {
        throw new DeadlineExceededError(`waiting for the ElastiCache ${what} to become active`);
      }
      const remaining = this.#deadline - this.#clock.now();
      if (remaining <= 0) {
        throw new EngineOperationError(
          `ElastiCache ${what} did not become active within MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS`,
          this.#login,
          { engine: ENGINE, field: 'MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS' },
        );
      }
      await this.#clock.sleep(Math.min(pause, remaining));
      pause = Math.min(pause * 2, this.#waits.retryIntervalMs);
    }
  }

  /** The user once it is `active`. */
  waitForUser(userId: string): Promise<User> {
    return this.#waitUntilActive('user', () => this.describeUser(userId));
  }

  /** The user group once it is `active`. */
  waitForUserGroup(userGroupId: string): Promise<UserGroup> {
    return this.#waitUntilActive('user group', () => this.#describeUserGroup(userGroupId));
  }
}

export { createControlPlaneClient, markerFromTags, markerTags, REAL_CLOCK, ROTATION_TAG, UserDirectory };
export type { Clock, ControlPlaneClient, WaitSettings };
