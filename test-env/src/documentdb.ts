import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import { containerRuntimeAvailable } from './container-runtime.js';
import type { Credentials, DatabaseServer } from './database-server.js';
import { testEnvLog } from './debug-log.js';
import { ensureFerretDb } from './documentdb-ferretdb.js';
import { freePort } from './free-port.js';
import { type NativeProcess, startNativeProcess } from './native-process.js';
import { SERVER_VERSIONS } from './server-versions.js';
import { createTestCertificates, type TestCertificates } from './tls-certificates.js';
import { waitUntil } from './wait-until.js';

const log = testEnvLog('documentdb');

/** Which MongoDB-wire server a test runs against: FerretDB (native) or MongoDB (container or URL). */
type DocumentDbKind = 'ferretdb' | 'mongo';

/** Options for a test DocumentDB-compatible server. */
interface DocumentDbOptions {
  /** Serve TLS only, with a certificate from a fresh test CA for these host names (default: localhost, 127.0.0.1). */
  readonly tls?: boolean | { readonly hosts: readonly string[] };
  /** Insist on one kind of server; `mongo` needs ROTATION_TEST_DOCUMENTDB_URL or a container runtime. */
  readonly kind?: DocumentDbKind;
}

/** A started DocumentDB-compatible server. */
interface DocumentDbServer extends DatabaseServer {
  readonly kind: DocumentDbKind;
  /** Driver options for `credentials` on this server: one direct connection, TLS verified against the test CA. */
  clientOptions(credentials: Credentials, authSource?: string): MongoClientOptions;
  /** Runs `work` on `database` as `credentials` (authenticated on `authSource`), closing the client after. */
  asUser<T>(credentials: Credentials, work: (db: Db) => Promise<T>, options?: { authSource?: string; database?: string }): Promise<T>;
  /** A connected admin client; closed by `stop()`. */
  adminClient(): Promise<MongoClient>;
}

const ADMIN_USER = 'root';

function tlsHosts(options: DocumentDbOptions): readonly string[] | undefined {
  if (!options.tls) return undefined;
  return options.tls === true ? ['localhost', '127.0.0.1'] : options.tls.hosts;
}

/**
 * Which kind `startDocumentDb()` will start without options: a URL's server (MongoDB unless
 * ROTATION_TEST_DOCUMENTDB_KIND=ferretdb), MongoDB in a container when a runtime answers, else FerretDB.
 */
async function expectedDocumentDbKind(): Promise<DocumentDbKind> {
  if (process.env.ROTATION_TEST_DOCUMENTDB_URL) return process.env.ROTATION_TEST_DOCUMENTDB_KIND === 'ferretdb' ? 'ferretdb' : 'mongo';
  return (await containerRuntimeAvailable()) ? 'mongo' : 'ferretdb';
}

function handle(
  kind: DocumentDbKind,
  origin: DocumentDbServer['origin'],
  host: string,
  port: number,
  admin: Credentials,
  tls: TestCertificates | undefined,
  shutdown: () => Promise<void>,
): DocumentDbServer {
  // With TLS, clients connect like a handler would: to a certificate host name, verifying the test CA.
  const clientHost = tls?.hosts[0] ?? host;
  const clients: MongoClient[] = [];
  const clientOptions = (credentials: Credentials, authSource = 'admin'): MongoClientOptions => ({
    auth: { username: credentials.username, password: credentials.password },
    authSource,
    directConnection: true,
    retryWrites: false,
    maxPoolSize: 1,
    serverMonitoringMode: 'poll',
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    tls: tls !== undefined,
    ...(tls === undefined ? {} : { ca: [tls.ca] }),
  });
  const uri = `mongodb://${clientHost}:${port}/`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await shutdown();
    })();
    return stopped;
  };
  return {
    engine: 'documentdb',
    kind,
    origin,
    host,
    port,
    admin,
    tls,
    connectionUri: (credentials = admin, database = 'admin') =>
      `mongodb://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${clientHost}:${port}/?authSource=${encodeURIComponent(database)}&directConnection=true${tls ? '&tls=true' : ''}`,
    clientOptions,
    async asUser(credentials, work, options = {}) {
      const authSource = options.authSource ?? 'admin';
      const client = new MongoClient(uri, clientOptions(credentials, authSource));
      try {
        await client.connect();
        return await work(client.db(options.database ?? authSource));
      } finally {
        await client.close().catch(() => undefined);
      }
    },
    async adminClient() {
      const client = await waitUntil(
        'DocumentDB admin login',
        async () => {
          const attempt = new MongoClient(uri, clientOptions(admin));
          try {
            await attempt.connect();
            await attempt.db('admin').command({ ping: 1 });
          } catch (error) {
            await attempt.close().catch(() => undefined);
            throw error;
          }
          return attempt;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      clients.push(client);
      return client;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Logs in as the admin and pings: the readiness probe (it also proves the setup user exists). Short timeouts,
 * so a server still starting is retried by the caller's loop instead of waiting out server selection.
 */
async function probe(server: DocumentDbServer): Promise<void> {
  const options = { ...server.clientOptions(server.admin), serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 };
  const client = new MongoClient(`mongodb://${server.tls?.hosts[0] ?? server.host}:${server.port}/`, options);
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function startNative(options: DocumentDbOptions): Promise<DocumentDbServer> {
  const binary = await ensureFerretDb();
  const root = await mkdtemp('/tmp/rlfdb-');
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const hosts = tlsHosts(options);
  let tls: TestCertificates | undefined;
  if (hosts !== undefined) {
    await mkdir(join(root, 'tls'));
    tls = await createTestCertificates(join(root, 'tls'), hosts, 'documentdb');
  }
  const admin = { username: ADMIN_USER, password: randomBytes(18).toString('base64url') };
  // The password goes through the environment, not argv, so it is not in the process list.
  const env = { ...process.env, FERRETDB_SETUP_PASSWORD: admin.password };

  let started: { process: NativeProcess; server: DocumentDbServer } | undefined;
  for (let attempt = 0; attempt < 3 && started === undefined; attempt++) {
    const port = await freePort();
    const listen = tls
      ? ['--listen-addr=', `--listen-tls=127.0.0.1:${port}`, `--listen-tls-cert-file=${tls.certFile}`, `--listen-tls-key-file=${tls.keyFile}`]
      : [`--listen-addr=127.0.0.1:${port}`];
    const args = ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`, `--state-dir=${root}`, ...listen, '--debug-addr=-',
      '--telemetry=disable', '--test-enable-new-auth', `--setup-username=${admin.username}`, '--setup-database=admin',
      '--log-level=warn'];
    const candidate = startNativeProcess(`ferretdb:${port}`, binary, args, { env, cwd: root });
    const server = handle('ferretdb', 'native', '127.0.0.1', port, admin, tls, async () => {
      await candidate.stop('SIGTERM');
      await rm(root, { recursive: true, force: true });
    });
    try {
      await waitUntil('FerretDB', () => probe(server), { timeoutMs: 30_000, intervalMs: 50, abortIf: candidate.exited });
      started = { process: candidate, server };
    } catch (error) {
      await candidate.stop('SIGKILL');
      // Another process may have taken the port between freePort() and bind(): try a new one.
      if (!/address already in use/i.test(candidate.output()) || attempt === 2) {
        await rm(root, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const { server } = started as { server: DocumentDbServer };
  log('native FerretDB %s on port %d (tls: %s)', SERVER_VERSIONS.ferretdb.version, server.port, tls !== undefined);
  return server;
}

async function startContainer(): Promise<DocumentDbServer> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const admin = { username: ADMIN_USER, password: randomBytes(18).toString('base64url') };
  // With a username and password the module starts mongod with --auth (and a replica-set key file).
  const container = await new MongoDBContainer(SERVER_VERSIONS.mongo.image).withUsername(admin.username).withPassword(admin.password).start();
  log('container MongoDB on %s:%d', container.getHost(), container.getMappedPort(27017));
  const server = handle('mongo', 'container', container.getHost(), container.getMappedPort(27017), admin, undefined, async () => {
    await container.stop();
  });
  await waitUntil('MongoDB', () => probe(server), { timeoutMs: 30_000, intervalMs: 100 });
  return server;
}

function fromUrl(url: string): DocumentDbServer {
  const parsed = new URL(url);
  const admin = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  const kind = process.env.ROTATION_TEST_DOCUMENTDB_KIND === 'ferretdb' ? 'ferretdb' : 'mongo';
  return handle(kind, 'url', parsed.hostname, Number(parsed.port || 27017), admin, undefined, async () => undefined);
}

/**
 * Starts a MongoDB-wire server for a test: ROTATION_TEST_DOCUMENTDB_URL if set (an admin in `admin`), else
 * MongoDB (`mongo:7`, authentication on) in a container when a runtime answers, else FerretDB built from the
 * Go module proxy (cached) on a free loopback port in a temporary directory, with SCRAM users and a setup
 * admin. TLS variants are always FerretDB and serve TLS only: the test CA's files must be given to the server.
 */
async function startDocumentDb(options: DocumentDbOptions = {}): Promise<DocumentDbServer> {
  const url = process.env.ROTATION_TEST_DOCUMENTDB_URL;
  if (url && !options.tls && (options.kind === undefined || options.kind === (await expectedDocumentDbKind()))) return fromUrl(url);
  if (!options.tls && options.kind !== 'ferretdb' && (await containerRuntimeAvailable())) return startContainer();
  if (options.kind === 'mongo') {
    throw new Error('A MongoDB server needs ROTATION_TEST_DOCUMENTDB_URL or a container runtime (none answers here)');
  }
  return startNative(options);
}

export { expectedDocumentDbKind, startDocumentDb };
export type { DocumentDbKind, DocumentDbOptions, DocumentDbServer };
