import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CallCounter } from '../aws/call-counter.js';
import { FaultInjector, type InjectedFault } from '../aws/fault-injector.js';
import { LocalAwsService, serveWithFaults } from '../aws/local-aws-service.js';
import type { LocalHttpServer } from '../aws/local-http-server.js';
import { startQueryProtocolServer } from '../aws/query-protocol-server.js';
import { AwsServiceError } from '../aws/service-error.js';
import { testEnvLog } from '../debug-log.js';
import { type ElastiCacheCache, ElastiCacheCatalog, type ElastiCacheUserSpec, type UserGroupBinding } from './elasticache-catalog.js';
import { elastiCacheOperations } from './elasticache-operations.js';

/** Where the local ElastiCache pretends to run, and how long a change keeps a user `modifying`. */
interface LocalElastiCacheOptions {
  /** Region in ARNs and in the clients `client()` builds; default `us-east-1`. */
  readonly region?: string;
  /** Account in ARNs; default `123456789012`. */
  readonly accountId?: string;
  /** The least time a change keeps a user or user group `modifying`/`creating`; default 300 ms. */
  readonly settleMs?: number;
}

/**
 * A fault for the next `times` calls of an action, by Query error code (`Throttling`, `InvalidUserState`, ...);
 * with `afterApplying` the call is served first and still answered with the error.
 */
type ElastiCacheFault = InjectedFault;

/**
 * The ElastiCache control plane on 127.0.0.1, as far as user rotation needs it: DescribeUsers, CreateUser,
 * ModifyUser, DeleteUser, DescribeUserGroups, ModifyUserGroup, DescribeReplicationGroups,
 * DescribeServerlessCaches, AddTagsToResource and ListTagsForResource, answered to the
 * unmodified `@aws-sdk/client-elasticache` in the Query protocol. Each user group is bound to a real Redis
 * server: users and password changes are applied there with ACL SETUSER (passwords by SHA-256), while the
 * user reports `modifying` for a while before `active`, as the service does.
 */
interface LocalElastiCache extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, for ELASTICACHE_ENDPOINT. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** The ARN of the user with this id (whether or not it exists). */
  userArn(userId: string): string;
  /** A real SDK client for this endpoint, with dummy static credentials and `maxAttempts: 3`. */
  client(): ElastiCacheClient;
  /** Adds an `active` user group whose users live on the server `binding` reaches; returns its ARN. */
  addUserGroup(userGroupId: string, binding: UserGroupBinding): string;
  /** Adds a replication group (or serverless cache) reached at `endpoint` with these user groups attached. */
  addCache(cache: ElastiCacheCache): void;
  /** Creates an `active` user directly (no API call), applied to its groups' servers; returns its ARN. */
  createUser(user: ElastiCacheUserSpec): Promise<string>;
  /** Changes a user directly (no API call) and resolves once the change is applied and the user is `active`. */
  modifyUser(userId: string, change: { accessString?: string; passwords?: readonly string[] }): Promise<void>;
  /** Deletes a user directly (no API call), removing it from its groups' servers before resolving. */
  deleteUser(userId: string): Promise<void>;
  /** The id of the user with this name, if there is one. */
  userIdByName(userName: string): string | undefined;
  /** The user's state as the service holds it (status, access string, groups, password count, tags). */
  describeUser(userId: string): {
    status: string;
    userName: string;
    accessString: string;
    userGroupIds: string[];
    passwordCount: number;
    tags: Record<string, string>;
  };
  /** Resolves once every change in flight has been applied to Redis and the resources are `active`. */
  settled(): Promise<void>;
  /** Changes that could not be applied to Redis (tests assert there are none). */
  failures(): readonly Error[];
  /** DescribeUsers answers that reported a user not yet `active`. */
  busyAnswers(): number;
  /** Requests received, for one action or in total, counting failed and faulted ones. */
  callCount(operation?: string): number;
  resetCalls(): void;
  /** Makes the next `times` (default 1) calls of an action fail with the error code `error`. */
  injectFault(fault: ElastiCacheFault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

const log = testEnvLog('elasticache');

class LocalElastiCacheServer extends LocalAwsService<ElastiCacheClient> implements LocalElastiCache {
  readonly accountId: string;
  readonly #catalog: ElastiCacheCatalog;

  constructor(
    server: LocalHttpServer,
    region: string,
    accountId: string,
    catalog: ElastiCacheCatalog,
    counter: CallCounter,
    faults: FaultInjector,
  ) {
    super(server, region, counter, faults);
    this.accountId = accountId;
    this.#catalog = catalog;
  }

  userArn(userId: string): string {
    return this.#catalog.userArn(userId);
  }

  protected createClient(): ElastiCacheClient {
    return new ElastiCacheClient({
      endpoint: this.endpoint,
      region: this.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
    });
  }

  addUserGroup(userGroupId: string, binding: UserGroupBinding): string {
    return this.#catalog.addUserGroup(userGroupId, binding);
  }

  addCache(cache: ElastiCacheCache): void {
    this.#catalog.addCache(cache);
  }

  createUser(user: ElastiCacheUserSpec): Promise<string> {
    return this.#catalog.putUser(user);
  }

  async modifyUser(userId: string, change: { accessString?: string; passwords?: readonly string[] }): Promise<void> {
    await this.#catalog.settled();
    this.#catalog.modifyUser(userId, change);
    await this.#catalog.settled();
  }

  async deleteUser(userId: string): Promise<void> {
    this.#catalog.deleteUser(userId);
    await this.#catalog.settled();
  }

  userIdByName(userName: string): string | undefined {
    return this.#catalog.users().find((user) => user.userName === userName)?.userId;
  }

  describeUser(userId: string) {
    const user = this.#catalog.user(userId);
    return {
      status: user.status,
      userName: user.userName,
      accessString: user.accessString,
      userGroupIds: this.#catalog.groupsOf(user).map((group) => group.userGroupId),
      passwordCount: user.passwordHashes.length,
      tags: Object.fromEntries(user.tags),
    };
  }

  settled(): Promise<void> {
    return this.#catalog.settled();
  }

  failures(): readonly Error[] {
    return this.#catalog.failures();
  }

  busyAnswers(): number {
    return this.#catalog.busyAnswers;
  }

  protected override async beforeStop(): Promise<void> {
    await this.#catalog.settled();
  }
}

/** Starts a local ElastiCache control plane on 127.0.0.1 on a free port, with no users or user groups. */
async function startLocalElastiCache(options: LocalElastiCacheOptions = {}): Promise<LocalElastiCache> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const catalog = new ElastiCacheCatalog(region, accountId, options.settleMs ?? 300, log);
  const operations = elastiCacheOperations(catalog);
  const counter = new CallCounter();
  const faults = new FaultInjector();
  const server = await startQueryProtocolServer({
    xmlNamespace: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
    log,
    dispatch: (action, params) =>
      serveWithFaults(action, params, counter, faults, operations.get(action), () => {
        return new AwsServiceError('InvalidAction', `Could not find operation ${action} for version 2015-02-02`);
      }),
  });
  log('listening on %s (%s)', server.endpoint, region);
  return new LocalElastiCacheServer(server, region, accountId, catalog, counter, faults);
}

export { startLocalElastiCache };
export type { ElastiCacheCache, ElastiCacheFault, ElastiCacheUserSpec, LocalElastiCache, LocalElastiCacheOptions, UserGroupBinding };
