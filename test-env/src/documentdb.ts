import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import { startServerContainer } from './containers/server-container.js';
import type { Credentials, DatabaseServer } from './database-server.js';
import { testEnvLog } from './debug-log.js';
import { ensureFerretDb } from './documentdb-ferretdb.js';
import { freePort } from './free-port.js';
import { type NativeProcess, startNativeProcess } from './native-process.js';
import { SERVER_VERSIONS, type ServerSpec, serverSpec, serverUrl } from './server-versions.js';
import { createTestCertificates, type TestCertificates, temporaryTestCertificates } from './tls-certificates.js';
import { waitUntil } from './wait-until.js';

const log = testEnvLog('documentdb');

/** Which MongoDB-wire server a test runs against: FerretDB (native) or MongoDB (container or a URL). */
type DocumentDbKind = 'ferretdb' | 'mongo';

/** Options for a test DocumentDB-compatible server. */
interface DocumentDbOptions {
  /** Serve TLS only, with a certificate from a fresh test CA for these host names (default: localhost, 127.0.0.1). */
  readonly tls?: boolean | { readonly hosts: readonly string[] };
  /** The server-matrix row (`ferretdb-1.24`, `mongo-7`); the native FerretDB when absent. */
  readonly server?: string;
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

/**
 * The MongoDB row in a container, authentication on (the official image's MONGO_INITDB_ROOT_* variables make
 * the admin); with TLS, TLS only, from the test CA's certificate and key copied in as one PEM file.
 */
async function startContainer(spec: ServerSpec, options: DocumentDbOptions): Promise<DocumentDbServer> {
  const admin = { username: ADMIN_USER, password: randomBytes(18).toString('base64url') };
  const tls = await temporaryTestCertificates(tlsHosts(options), 'mongo');
  const pem = '/etc/rotation-lambdas/server-with-key.pem';
  const files = tls === undefined ? [] : [{ content: `${await readFile(tls.certFile, 'utf8')}${await readFile(tls.keyFile, 'utf8')}`, target: pem, mode: 0o644 }];
  const container = await startServerContainer({
    spec,
    port: 27017,
    environment: { MONGO_INITDB_ROOT_USERNAME: admin.username, MONGO_INITDB_ROOT_PASSWORD: admin.password },
    command: tls === undefined ? [] : ['--tlsMode', 'requireTLS', '--tlsCertificateKeyFile', pem],
    files,
    ready: (host, port) => probe(handle('mongo', 'container', host, port, admin, tls, async () => undefined)),
  });
  return handle('mongo', 'container', container.host, container.port, admin, tls, async () => {
    await container.stop();
    if (tls !== undefined) await rm(tls.directory, { recursive: true, force: true });
  });
}

function fromUrl(spec: ServerSpec, url: string): DocumentDbServer {
  const parsed = new URL(url);
  const admin = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  const kind = spec.product === 'ferretdb' ? 'ferretdb' : 'mongo';
  return handle(kind, 'url', parsed.hostname, Number(parsed.port || 27017), admin, undefined, async () => undefined);
}

/**
 * Starts a MongoDB-wire server for a test, of the server-matrix row `options.server` (default
 * `ferretdb-1.24`), or the server ROTATION_TEST_DOCUMENTDB_URL points at for that row (an admin in `admin`;
 * plaintext; see serverUrl). The native row: FerretDB built from the Go module proxy (cached) on a free
 * loopback port in a temporary directory, with SCRAM users and a setup admin; with TLS it serves TLS only.
 * The `mongo-7` row: MongoDB with authentication on, through testcontainers, where a runtime can pull
 * `mongo:7` (no Debian package exists).
 */
async function startDocumentDb(options: DocumentDbOptions = {}): Promise<DocumentDbServer> {
  const spec = serverSpec(options.server ?? 'ferretdb-1.24');
  if (spec.engine !== 'documentdb') throw new Error(`${spec.id} is not a MongoDB-wire server`);
  const url = serverUrl(spec);
  if (url && !options.tls) return fromUrl(spec, url);
  if (spec.origin === 'container') return startContainer(spec, options);
  return startNative(options);
}

export { startDocumentDb };
export type { DocumentDbKind, DocumentDbOptions, DocumentDbServer };
