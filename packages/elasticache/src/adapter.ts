import {
  type AdminSession,
  type CredentialsRole,
  EngineAuthError,
  type EngineAdapter,
  type EngineDefaults,
  type RotationConfig,
  trustedCertificates,
  type UserSession,
} from '@rotation-lambdas/core';
import { AclAdminSession, AclUserSession } from './acl-sessions.js';
import { ENGINE } from './classify-error.js';
import type { Clock, ControlPlaneClient, UserDirectory } from './control-plane.js';
import { ElastiCacheAdminSession, ElastiCacheUserSession, type LoginProbe } from './elasticache-sessions.js';
import { closeLinks, createRedisClient, openRedisLink, type RedisClientFactory, type RedisLink } from './redis-connection.js';
import { allNodes, nodeKey, parseRedisSecret, type RedisNode, type RedisSecret, redisResource } from './redis-secret.js';
import { readElastiCacheSettings } from './settings.js';

/** AWS's ElastiCache template defaults: 20 characters without `/ @ " ' \` (AWS documents `@ " /` as not allowed). */
const ELASTICACHE_DEFAULTS: EngineDefaults = { excludeCharacters: '/@"\'\\', passwordLength: 20 };

/**
 * Longest alternate user name: ElastiCache user names have 1–120 characters without whitespace (the limit
 * AWS's CDK constructs validate; the API reference states only the minimum). Redis itself has no limit; the
 * same 120 applies so a secret behaves alike on self-managed Redis and on ElastiCache.
 */
const MAX_USERNAME_LENGTH = 120;

/** The adapter's configuration and, for unit tests, its injectable clients and clock. */
interface ElastiCacheAdapterOptions {
  readonly config: Pick<RotationConfig, 'connectTimeoutMs' | 'statementTimeoutMs' | 'env'>;
  readonly createRedisClient?: RedisClientFactory;
  /** Builds the control-plane client for a region (the real SDK client by default). */
  readonly createControlPlane?: (region: string, endpoint: string | undefined) => ControlPlaneClient | Promise<ControlPlaneClient>;
  readonly clock?: Clock;
}

/**
 * The ElastiCache and self-managed Redis/Valkey engine: ioredis as the driver, TLS verified unless the
 * secret says `ssl: false`. With `user_arn`, passwords change through the ElastiCache API (ModifyUser,
 * CreateUser, ModifyUserGroup); without it, through ACL SETUSER on every node the secret lists.
 */
function createElastiCacheAdapter(options: ElastiCacheAdapterOptions): EngineAdapter<RedisSecret> {
  const { config } = options;
  const settings = readElastiCacheSettings(config.env);
  const createClient = options.createRedisClient ?? createRedisClient;
  const createControlPlane =
    options.createControlPlane ??
    (async (region: string, endpoint: string | undefined) => (await import('./control-plane.js')).createControlPlaneClient(region, endpoint));
  const controlPlanes = new Map<string, Promise<ControlPlaneClient>>();
  let ca: { value: string[] | undefined } | undefined;

  function trust(): string[] | undefined {
    ca ??= { value: trustedCertificates(config.env) };
    return ca.value;
  }

  /**
   * The users API of `region`. The control plane and its SDK client are imported on first use: only secrets
   * with `user_arn` need them, and self-managed Redis never pays for loading them.
   */
  async function directory(region: string, login: CredentialsRole): Promise<UserDirectory> {
    let client = controlPlanes.get(region);
    if (client === undefined) {
      client = Promise.resolve(createControlPlane(region, settings.endpoint));
      controlPlanes.set(region, client);
    }
    const [{ UserDirectory }, resolved] = await Promise.all([import('./control-plane.js'), client]);
    return new UserDirectory(resolved, settings.waits, login, options.clock);
  }

  function link(node: RedisNode, ssl: boolean, username: string, password: string, role: CredentialsRole): Promise<RedisLink> {
    return openRedisLink({ ...node, ssl, ca: trust() }, { username, password, role }, config, createClient);
  }

  /** Logs in on every node, in order; closes what was opened when one fails. */
  async function linksTo(nodes: readonly RedisNode[], ssl: boolean, username: string, password: string, role: CredentialsRole): Promise<RedisLink[]> {
    const links: RedisLink[] = [];
    try {
      for (const node of nodes) links.push(await link(node, ssl, username, password, role));
    } catch (error) {
      closeLinks(links);
      throw error;
    }
    return links;
  }

  /** Whether `username`/`password` logs in on the secret's primary endpoint; any failure but a refusal throws. */
  function probeFor(secret: RedisSecret): LoginProbe {
    return async (username, password) => {
      try {
        (await link({ host: secret.host, port: secret.port }, secret.ssl, username, password, 'pending')).close();
        return true;
      } catch (error) {
        if (error instanceof EngineAuthError) return false;
        throw error;
      }
    };
  }

  async function connect(secret: RedisSecret, login: CredentialsRole): Promise<UserSession> {
    // ElastiCache exposes the cluster behind its endpoint; self-managed ACLs live on each node.
    if (secret.userArn === undefined) {
      return new AclUserSession(await linksTo(allNodes(secret), secret.ssl, secret.username, secret.password, login), secret.username, login);
    }
    // The directory first: nothing is open yet if loading it fails.
    const users = await directory(secret.userArn.region, login);
    const links = await linksTo([{ host: secret.host, port: secret.port }], secret.ssl, secret.username, secret.password, login);
    const cache = { host: secret.host, port: secret.port };
    return new ElastiCacheUserSession(links, users, secret.userArn, secret.username, login, probeFor(secret), cache);
  }

  async function connectAdmin(master: RedisSecret, target: RedisSecret): Promise<AdminSession> {
    if (target.userArn === undefined) {
      // Master credentials go only to nodes the master secret names (core has refused a target naming others).
      const masterNodes = new Set(allNodes(master).map(nodeKey));
      const nodes = allNodes(target).filter((node) => masterNodes.has(nodeKey(node)));
      return new AclAdminSession(await linksTo(nodes, master.ssl, master.username, master.password, 'master'));
    }
    // ACL commands are disabled on ElastiCache: the master login only proves the master secret is a working
    // credential of this cluster; the changes themselves go through the API with the function's IAM role.
    closeLinks(await linksTo([{ host: master.host, port: master.port }], master.ssl, master.username, master.password, 'master'));
    return new ElastiCacheAdminSession(await directory(target.userArn.region, 'master'), target.userArn, probeFor(target), {
      host: target.host,
      port: target.port,
    });
  }

  return {
    name: ENGINE,
    defaults: ELASTICACHE_DEFAULTS,
    parseSecret: parseRedisSecret,
    resourceOf: redisResource,
    endpointsOf: allNodes,
    maxUsernameLength: () => MAX_USERNAME_LENGTH,
    connect,
    connectAdmin,
  };
}

export { createElastiCacheAdapter, ELASTICACHE_DEFAULTS, MAX_USERNAME_LENGTH };
export type { ElastiCacheAdapterOptions };
