import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { nativeFallsBackToContainer } from './container-runtime.js';
import { startServerContainer } from './containers/server-container.js';
import type { Credentials, DatabaseServer } from './database-server.js';
import { testEnvLog } from './debug-log.js';
import { freePort } from './free-port.js';
import { type NativeProcess, startNativeProcess } from './native-process.js';
import { SERVER_VERSIONS, type ServerSpec, serverSpec, serverUrl } from './server-versions.js';
import { ensureDebianPackages } from './system-packages.js';
import { createTestCertificates, type TestCertificates, temporaryTestCertificates } from './tls-certificates.js';
import { waitUntil } from './wait-until.js';

const log = testEnvLog('redis');

const REDIS_SERVER = '/usr/bin/redis-server';

/** Options for a test Redis server. */
interface RedisOptions {
  /**
   * Serve TLS only (`--tls-port`, `--port 0`) with a certificate from a fresh test CA for these host names
   * (default: localhost, 127.0.0.1). Redis cannot serve TLS and plaintext on one port, so TLS is always required.
   */
  readonly tls?: boolean | { readonly hosts: readonly string[] };
  /** The server-matrix row (`redis-7.0`, `valkey-8`, `valkey-9`, `redis-8`); the native Redis when absent. */
  readonly server?: string;
}

/** A started Redis (or Valkey) server: ACL users only, the `default` user disabled. */
interface RedisServer extends DatabaseServer {
  /** A connected client authenticated as the admin; closed by `stop()`. */
  adminClient(): Promise<Redis>;
  /** One login attempt as `credentials`, no retry; rejects with the server's reply (WRONGPASS …). The caller closes it. */
  login(credentials: Credentials): Promise<Redis>;
}

/** The ACL rules of the server's users: `default` can no longer log in, the admin may do everything. */
function userArguments(admin: Credentials): string[] {
  // Each rule is its own argument: `--user NAME rule rule …`; one quoted string would make the server exit.
  return ['--user', 'default', 'off', 'resetpass', 'resetkeys', 'resetchannels', '-@all',
    '--user', admin.username, 'on', `>${admin.password}`, '~*', '&*', '+@all'];
}

function tlsHosts(options: RedisOptions): readonly string[] | undefined {
  if (!options.tls) return undefined;
  return options.tls === true ? ['localhost', '127.0.0.1'] : options.tls.hosts;
}

function clientFor(host: string, port: number, tls: TestCertificates | undefined): Redis {
  const client = new Redis({
    host: tls?.hosts[0] ?? host,
    port,
    protocol: 2,
    lazyConnect: true,
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    tls: tls === undefined ? undefined : { ca: [tls.ca], rejectUnauthorized: true },
  });
  client.on('error', () => undefined);
  return client;
}

/** Connects and authenticates with `AUTH user password`; rejects with the server's reply (WRONGPASS …). */
async function authenticatedClient(host: string, port: number, tls: TestCertificates | undefined, credentials: Credentials): Promise<Redis> {
  const client = clientFor(host, port, tls);
  try {
    await client.connect();
    await client.call('AUTH', credentials.username, credentials.password);
    return client;
  } catch (error) {
    client.disconnect();
    throw error;
  }
}

function handle(
  origin: RedisServer['origin'],
  host: string,
  port: number,
  admin: Credentials,
  tls: TestCertificates | undefined,
  shutdown: () => Promise<void>,
): RedisServer {
  const clients: Redis[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const client of clients.splice(0)) client.disconnect();
      await shutdown();
    })();
    return stopped;
  };
  return {
    engine: 'redis',
    origin,
    host,
    port,
    admin,
    tls,
    connectionUri: (credentials = admin) =>
      `${tls ? 'rediss' : 'redis'}://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${tls?.hosts[0] ?? host}:${port}`,
    async adminClient() {
      const client = await waitUntil('Redis admin login', () => authenticatedClient(host, port, tls, admin), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      clients.push(client);
      return client;
    },
    login: (credentials) => authenticatedClient(host, port, tls, credentials),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Readiness: the admin logs in and PING answers PONG (loading servers answer LOADING instead). */
async function ping(host: string, port: number, tls: TestCertificates | undefined, admin: Credentials): Promise<void> {
  const client = await authenticatedClient(host, port, tls, admin);
  try {
    if ((await client.call('PING')) !== 'PONG') throw new Error('PING did not answer PONG');
  } finally {
    client.disconnect();
  }
}

async function startNative(options: RedisOptions, admin: Credentials): Promise<RedisServer> {
  await ensureDebianPackages([SERVER_VERSIONS.redis.debianPackage], () => existsSync(REDIS_SERVER));
  const root = await mkdtemp('/tmp/rlredis-');
  const hosts = tlsHosts(options);
  let tls: TestCertificates | undefined;
  if (hosts !== undefined) {
    await mkdir(join(root, 'tls'));
    tls = await createTestCertificates(join(root, 'tls'), hosts, 'redis');
    await chmod(tls.keyFile, 0o600);
  }
  let started: NativeProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && started === undefined; attempt++) {
    port = await freePort();
    const listen = tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile,
          '--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root,
      '--daemonize', 'no', '--logfile', '', '--enable-debug-command', 'no', ...userArguments(admin)];
    const candidate = startNativeProcess(`redis:${port}`, REDIS_SERVER, args, { cwd: root });
    try {
      await waitUntil('Redis', () => ping('127.0.0.1', port, tls, admin), { timeoutMs: 20_000, abortIf: candidate.exited });
      started = candidate;
    } catch (error) {
      await candidate.stop('SIGKILL');
      // Another process may have taken the port between freePort() and bind(): try a new one.
      if (!/Address already in use|Could not create server TCP listening socket/.test(candidate.output()) || attempt === 2) throw error;
    }
  }
  const running = started as NativeProcess;
  log('native Redis on port %d (tls: %s)', port, tls !== undefined);
  return handle('native', '127.0.0.1', port, admin, tls, async () => {
    await running.stop('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });
}

/** Where the TLS files go in a container (the server reads them as its own user, so they are world-readable). */
const CONTAINER_TLS_DIR = '/etc/rotation-lambdas';

/** A Redis or Valkey row in a container: the same ACL users and flags as natively, TLS only when asked. */
async function startContainer(spec: ServerSpec, options: RedisOptions, admin: Credentials): Promise<RedisServer> {
  const tls = await temporaryTestCertificates(tlsHosts(options), spec.product);
  const inContainer = (file: string) => `${CONTAINER_TLS_DIR}/${file.split('/').at(-1)}`;
  const listen = tls
    ? ['--port', '0', '--tls-port', '6379', '--tls-cert-file', inContainer(tls.certFile), '--tls-key-file', inContainer(tls.keyFile),
        '--tls-ca-cert-file', inContainer(tls.caFile), '--tls-auth-clients', 'no']
    : ['--port', '6379'];
  const container = await startServerContainer({
    spec,
    port: 6379,
    command: [`${spec.product}-server`, ...listen, '--save', '', '--appendonly', 'no', ...userArguments(admin)],
    files: tls === undefined ? [] : [tls.caFile, tls.certFile, tls.keyFile].map((source) => ({ source, target: inContainer(source), mode: 0o644 })),
    ready: (host, port) => ping(host, port, tls, admin),
  });
  return handle('container', container.host, container.port, admin, tls, async () => {
    await container.stop();
    if (tls !== undefined) await rm(tls.directory, { recursive: true, force: true });
  });
}

function fromUrl(url: string): RedisServer {
  const parsed = new URL(url);
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  return handle('url', parsed.hostname, Number(parsed.port || 6379), credentials, undefined, async () => undefined);
}

/**
 * Starts a Redis-family server for a test, of the server-matrix row `options.server` (default `redis-7.0`).
 * The native row: ROTATION_TEST_REDIS_URL if set (`redis://admin:password@host:port`, an ACL user allowed
 * everything; plaintext only), else a native `redis-server` from Debian's packages (installed on demand) on
 * a free loopback port in a temporary directory, or, where that cannot be installed, its container when a
 * runtime answers. A container row (Valkey 8 and 9, Redis 8): through testcontainers, TLS included. Every
 * server has ACL users only: `default` is off, so no login works without a real password.
 */
async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const spec = serverSpec(options.server ?? 'redis-7.0');
  if (spec.engine !== 'elasticache') throw new Error(`${spec.id} is not a Redis-family server`);
  const admin = { username: 'rotation_admin', password: `A${randomBytes(18).toString('base64url')}` };
  if (spec.origin === 'container') return startContainer(spec, options, admin);
  const url = serverUrl(spec);
  if (url && !options.tls) return fromUrl(url);
  if (await nativeFallsBackToContainer(() => existsSync(REDIS_SERVER))) return startContainer(spec, options, admin);
  return startNative(options, admin);
}

export { startRedis };
export type { RedisOptions, RedisServer };
