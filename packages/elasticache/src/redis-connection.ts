import { connect as tcpConnect } from 'node:net';
import { type CredentialsRole, stepTimeoutMs } from '@rotation-lambdas/core';
import type { Redis, RedisOptions } from 'ioredis';
import { classifyConnectError, isTlsFailure } from './classify-error.js';
import type { RedisNode } from './redis-secret.js';

/** The slice of an ioredis client rotation uses; injectable so unit tests can pass a fake. */
type RedisClient = Pick<Redis, 'connect' | 'call' | 'disconnect' | 'on'>;

/** Builds an ioredis client (not yet connected); it may load the driver first. */
type RedisClientFactory = (options: RedisOptions) => RedisClient | Promise<RedisClient>;

/** How to reach one node: address, TLS and the CAs to verify it against. */
interface RedisEndpoint extends RedisNode {
  readonly ssl: boolean;
  /** Node's roots plus NODE_EXTRA_CA_CERTS, or undefined for Node's defaults. */
  readonly ca: string[] | undefined;
}

/** Login credentials for one connection. */
interface RedisLogin {
  readonly username: string;
  readonly password: string;
  readonly role: CredentialsRole;
}

/** An authenticated connection to one node. */
interface RedisLink {
  readonly node: RedisNode;
  /** Sends one command; every argument travels as its own bulk string, never re-parsed by the server. */
  call(command: string, ...args: string[]): Promise<unknown>;
  close(): void;
}

/**
 * The real ioredis client; the driver is loaded on the first login (createSecret and finishSecret open none). A
 * CommonJS module's exports are the import's `default`, in Node and in the bundle alike.
 */
const createRedisClient: RedisClientFactory = async (options) => new (await import('ioredis')).default.Redis(options);

/** Closes every link (closing never throws). */
function closeLinks(links: readonly RedisLink[]): void {
  for (const link of links) link.close();
}

/** Whether a plain TCP connection to the node succeeds: tells a stalled TLS handshake from an unreachable host. */
function tcpReachable(node: RedisNode, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: node.host, port: node.port });
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Errors after which a TLS client cannot tell a dead network from a server that does not speak TLS. */
const AMBIGUOUS_TLS_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', '']);

/** How long to wait: for the connection (CONNECT_TIMEOUT_SECONDS) and for each reply (STATEMENT_TIMEOUT_SECONDS). */
interface RedisTimeouts {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

function clientOptions(endpoint: RedisEndpoint, timeouts: RedisTimeouts): RedisOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    // RESP2 and an explicit AUTH: with RESP3, ioredis hides WRONGPASS behind "Connection is closed".
    protocol: 2,
    lazyConnect: true,
    // No INFO, CLIENT SETINFO or CLIENT SETNAME: an application user's ACL may refuse them.
    enableReadyCheck: false,
    disableClientInfo: true,
    // One attempt, no queue: a failure is reported, not retried behind the caller's back.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    // Each limit cut to what is left of the step, so a slow node fails the step in time, typed.
    connectTimeout: stepTimeoutMs(timeouts.connectTimeoutMs),
    commandTimeout: stepTimeoutMs(timeouts.statementTimeoutMs),
    // Verified TLS (chain and host name; Node checks the name against `host`), or none; never a fallback.
    tls: endpoint.ssl ? { rejectUnauthorized: true, ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }) } : undefined,
  };
}

/**
 * Connects to one node and authenticates with `AUTH <username> <password>`. Throws EngineTlsError,
 * EngineConnectionError or EngineAuthError (WRONGPASS) with a scrubbed driver error as the cause.
 */
async function openRedisLink(
  endpoint: RedisEndpoint,
  login: RedisLogin,
  timeouts: RedisTimeouts,
  createClient: RedisClientFactory = createRedisClient,
): Promise<RedisLink> {
  const client = await createClient(clientOptions(endpoint, timeouts));
  // ioredis rejects connect() with "Connection is closed." and reports the real cause on 'error'; without
  // a listener that event would be unhandled and end the Lambda runtime.
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  const close = () => client.disconnect();
  try {
    await client.connect();
  } catch (error) {
    close();
    const cause = lastError ?? error;
    const stalled =
      endpoint.ssl &&
      !isTlsFailure(cause) &&
      AMBIGUOUS_TLS_CODES.has(String((cause as { code?: unknown }).code ?? '')) &&
      (await tcpReachable(endpoint, stepTimeoutMs(timeouts.connectTimeoutMs)));
    throw classifyConnectError(cause, login.role, stalled);
  }
  try {
    await client.call('AUTH', login.username, login.password);
  } catch (error) {
    close();
    throw classifyConnectError(error, login.role);
  }
  return {
    node: { host: endpoint.host, port: endpoint.port },
    call: (command, ...args) => client.call(command, ...args),
    close,
  };
}

export { closeLinks, createRedisClient, openRedisLink };
export type { RedisClient, RedisClientFactory, RedisEndpoint, RedisLink, RedisLogin, RedisTimeouts };
