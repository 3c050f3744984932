import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { cacheDir } from './cache-dir.js';
import { nativeFallsBackToContainer } from './container-runtime.js';
import { startServerContainer } from './containers/server-container.js';
import type { Credentials, DatabaseServer } from './database-server.js';
import { testEnvLog } from './debug-log.js';
import { freePort } from './free-port.js';
import { type NativeProcess, startNativeProcess } from './native-process.js';
import { SERVER_VERSIONS, type ServerSpec, serverSpec, serverUrl } from './server-versions.js';
import { ensureDebianPackages, isRoot } from './system-packages.js';
import { createTestCertificates, type TestCertificates, temporaryTestCertificates } from './tls-certificates.js';
import { waitUntil } from './wait-until.js';

const run = promisify(execFile);
const log = testEnvLog('mysql');

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const MARIADB_ADMIN = '/usr/bin/mariadb-admin';

/** Which server software a MySQL-family server runs. */
type MysqlFlavour = 'mariadb' | 'mysql';

/** Options for a test MySQL-family server. */
interface MysqlOptions {
  /** The server-matrix row (`mariadb-10.11`, `mariadb-11.8`, `mysql-9.7`, `mysql-8.4`); the native MariaDB when absent. */
  readonly server?: string;
  /** Serve TLS with a certificate from a fresh test CA for these host names (default: localhost, 127.0.0.1). */
  readonly tls?: boolean | { readonly hosts: readonly string[] };
  /** Refuse connections without TLS (`require_secure_transport`). */
  readonly requireTls?: boolean;
  /** Keep the general query log (every statement) for `serverLog()` (native servers only). */
  readonly logStatements?: boolean;
}

/** A started MySQL or MariaDB server. */
interface MysqlServer extends DatabaseServer {
  /** The software of the row that was asked for (a URL server is taken to be MariaDB). */
  readonly flavour: MysqlFlavour;
  /** A connected admin (root) connection; closed by `stop()`. */
  adminConnection(): Promise<mysql.Connection>;
  /** The general query log so far (with `logStatements`), or '' when none is kept. */
  serverLog(): Promise<string>;
}

/** The performance flags every native server runs with: nothing here needs durability. */
const FAST_FLAGS = [
  '--skip-name-resolve',
  '--skip-log-bin',
  '--innodb-buffer-pool-size=32M',
  '--innodb-log-file-size=8M',
  '--innodb-flush-log-at-trx-commit=0',
];

function mariadbPresent(): boolean {
  return [MARIADBD, INSTALL_DB, MARIADB_ADMIN].every((file) => existsSync(file));
}

/** mariadbd refuses to run as root unless told to, and only root may pass --user. */
function userFlag(): string[] {
  return isRoot() ? ['--user=root'] : [];
}

async function mariadbVersion(): Promise<string> {
  const { stdout } = await run(MARIADBD, ['--version']);
  return /Ver\s+(\S+)/.exec(stdout)?.[1]?.replace(/[^\w.-]/g, '') ?? 'unknown';
}

/** Runs `work` as root over the server's Unix socket (the template is set up before any TCP listener exists). */
async function overSocket(socketPath: string, work: (connection: mysql.Connection) => Promise<void>): Promise<void> {
  const connection = await mysql.createConnection({ socketPath, user: 'root' });
  try {
    await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

/**
 * mariadb-install-db leaves four passwordless root accounts (localhost, 127.0.0.1, ::1, the host name) and
 * possibly anonymous ones. Keep root at localhost and 127.0.0.1 with a real password, drop every other
 * login, and prove no account but the locked mariadb.sys is left without a password.
 */
async function secureAccounts(connection: mysql.Connection, password: string): Promise<void> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>(
    "SELECT User AS user, Host AS host FROM mysql.user WHERE is_role = 'N' AND User <> 'mariadb.sys'",
  );
  for (const { user, host } of rows as { user: string; host: string }[]) {
    const account = mysql.format('?@?', [user, host]);
    if (user === 'root' && (host === 'localhost' || host === '127.0.0.1')) {
      await connection.query(`ALTER USER ${account} IDENTIFIED VIA mysql_native_password USING PASSWORD(${mysql.escape(password)})`);
    } else {
      await connection.query(`DROP USER ${account}`);
    }
  }
  const [open] = await connection.query<mysql.RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM mysql.user WHERE authentication_string = '' AND is_role = 'N' AND User <> 'mariadb.sys'",
  );
  if (Number(open[0]?.n) !== 0) throw new Error('MariaDB template still has a passwordless account');
}

/**
 * A data directory made by mariadb-install-db once and cached, with the accounts secured (see
 * secureAccounts) and a random root password kept beside it. Copying it takes a fraction of install-db.
 */
async function templateDataDir(): Promise<{ dataDir: string; password: string }> {
  const version = await mariadbVersion();
  const cached = cacheDir(`mariadb-${version}-template`);
  if (existsSync(join(cached, 'data', 'mysql')) && existsSync(join(cached, 'password'))) {
    return { dataDir: join(cached, 'data'), password: (await readFile(join(cached, 'password'), 'utf8')).trim() };
  }
  const work = await mkdtemp('/tmp/rlmy-init-');
  const dataDir = join(work, 'data');
  const socket = join(work, 's.sock');
  const password = randomBytes(18).toString('base64url');
  await run(INSTALL_DB, ['--no-defaults', ...userFlag(), `--datadir=${dataDir}`, '--auth-root-authentication-method=normal',
    '--skip-test-db', '--skip-name-resolve']);
  const server = startNativeProcess('mariadb-template', MARIADBD, ['--no-defaults', ...userFlag(), `--datadir=${dataDir}`,
    '--skip-networking', `--socket=${socket}`, ...FAST_FLAGS]);
  try {
    await waitUntil('MariaDB template server', () => run(MARIADB_ADMIN, ['--no-defaults', `--socket=${socket}`, '--connect-timeout=1', 'ping']), {
      timeoutMs: 20_000,
      abortIf: server.exited,
    });
    await overSocket(socket, (connection) => secureAccounts(connection, password));
  } finally {
    await server.stop('SIGTERM');
  }
  await rm(socket, { force: true });
  const staging = await mkdtemp(join(cached, '..', `mariadb-${version}-staging-`));
  await run('cp', ['-a', dataDir, join(staging, 'data')]);
  await writeFile(join(staging, 'password'), password);
  await rm(cached, { recursive: true, force: true });
  // Parallel workers may race to build the template; rename makes one of them win whole.
  await rename(staging, cached).catch(async () => rm(staging, { recursive: true, force: true }));
  await rm(work, { recursive: true, force: true });
  return templateDataDir();
}

function tlsHosts(options: MysqlOptions): readonly string[] | undefined {
  if (!options.tls) return undefined;
  return options.tls === true ? ['localhost', '127.0.0.1'] : options.tls.hosts;
}

function tlsFlags(tls: TestCertificates | undefined, requireTls: boolean, directory = ''): string[] {
  if (tls === undefined) return [];
  const file = (path: string) => (directory === '' ? path : `${directory}/${path.split('/').at(-1)}`);
  return [`--ssl-ca=${file(tls.caFile)}`, `--ssl-cert=${file(tls.certFile)}`, `--ssl-key=${file(tls.keyFile)}`,
    ...(requireTls ? ['--require-secure-transport=ON'] : [])];
}

async function startNative(options: MysqlOptions): Promise<MysqlServer> {
  await ensureDebianPackages([SERVER_VERSIONS.mariadb.debianPackage], mariadbPresent);
  const template = await templateDataDir();
  // Short: the Unix socket path must fit in 107 bytes.
  const root = await mkdtemp('/tmp/rlmy-');
  const dataDir = join(root, 'data');
  await run('cp', ['-a', template.dataDir, dataDir]);
  const hosts = tlsHosts(options);
  let tls: TestCertificates | undefined;
  if (hosts !== undefined) {
    await mkdir(join(root, 'tls'));
    tls = await createTestCertificates(join(root, 'tls'), hosts, 'mariadb');
  }
  const generalLog = join(root, 'general.log');

  let started: NativeProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && started === undefined; attempt++) {
    port = await freePort();
    const args = ['--no-defaults', ...userFlag(), `--datadir=${dataDir}`, `--port=${port}`, '--bind-address=127.0.0.1',
      `--socket=${join(root, 's.sock')}`, `--pid-file=${join(root, 'mariadbd.pid')}`, ...FAST_FLAGS,
      ...tlsFlags(tls, options.requireTls === true),
      ...(options.logStatements ? ['--general-log=ON', `--general-log-file=${generalLog}`] : [])];
    const candidate = startNativeProcess(`mariadb:${port}`, MARIADBD, args);
    try {
      // mariadb-admin ping exits 0 once the server answers, even when it refuses the (absent) credentials.
      await waitUntil('MariaDB', () => run(MARIADB_ADMIN, ['--no-defaults', '--protocol=TCP', '-h', '127.0.0.1', '-P', String(port),
        '--connect-timeout=1', 'ping']), { timeoutMs: 20_000, abortIf: candidate.exited });
      started = candidate;
    } catch (error) {
      await candidate.stop('SIGKILL');
      // Another process may have taken the port between freePort() and bind(): try a new one.
      if (!/Address already in use|Bind on TCP\/IP port/i.test(candidate.output()) || attempt === 2) throw error;
    }
  }
  const running = started as NativeProcess;
  log('native MariaDB on port %d (tls: %s)', port, tls !== undefined);
  const server = handle('native', 'mariadb', '127.0.0.1', port, { username: 'root', password: template.password }, tls, async () => {
    await running.stop('SIGTERM');
    await rm(root, { recursive: true, force: true });
  });
  return { ...server, serverLog: () => readFile(generalLog, 'utf8').catch(() => '') };
}

/** Where the TLS files go in a container (the server reads them as its own user, so they are world-readable). */
const CONTAINER_TLS_DIR = '/etc/mysql/tls';

/**
 * A MySQL or MariaDB row in a container, root as admin (MYSQL_ROOT_PASSWORD, which both official images and
 * the ones built here honour). With TLS the test CA's files are copied in and the server flags point at them.
 */
async function startContainer(spec: ServerSpec, options: MysqlOptions): Promise<MysqlServer> {
  if (options.logStatements) throw new Error(`general logs are kept for native servers only, not for ${spec.label} in a container`);
  const password = randomBytes(18).toString('base64url');
  const tls = await temporaryTestCertificates(tlsHosts(options), spec.product);
  const files = tls === undefined ? [] : [tls.caFile, tls.certFile, tls.keyFile]
    .map((source) => ({ source, target: `${CONTAINER_TLS_DIR}/${source.split('/').at(-1)}`, mode: 0o644 }));
  const container = await startServerContainer({
    spec,
    port: 3306,
    environment: { MYSQL_ROOT_PASSWORD: password },
    command: ['--innodb-flush-log-at-trx-commit=0', ...tlsFlags(tls, options.requireTls === true, CONTAINER_TLS_DIR)],
    files,
    async ready(host, port) {
      const ssl = tls ? { rejectUnauthorized: false } : undefined;
      const connection = await mysql.createConnection({ host, port, user: 'root', password, ssl, connectTimeout: 2_000 });
      connection.on('error', () => undefined);
      await connection.end().catch(() => connection.destroy());
    },
  });
  const flavour: MysqlFlavour = spec.product === 'mysql' ? 'mysql' : 'mariadb';
  return handle('container', flavour, container.host, container.port, { username: 'root', password }, tls, async () => {
    await container.stop();
    if (tls !== undefined) await rm(tls.directory, { recursive: true, force: true });
  });
}

function fromUrl(flavour: MysqlFlavour, url: string): MysqlServer {
  const parsed = new URL(url);
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  return handle('url', flavour, parsed.hostname, Number(parsed.port || 3306), credentials, undefined, async () => undefined);
}

function uri(host: string, port: number, credentials: Credentials, database?: string): string {
  const path = database === undefined ? '' : `/${encodeURIComponent(database)}`;
  return `mysql://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${host}:${port}${path}`;
}

function handle(
  origin: MysqlServer['origin'],
  flavour: MysqlFlavour,
  host: string,
  port: number,
  admin: Credentials,
  tls: TestCertificates | undefined,
  shutdown: () => Promise<void>,
): MysqlServer {
  const connections: mysql.Connection[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(connections.map((connection) => connection.end().catch(() => connection.destroy())));
      await shutdown();
    })();
    return stopped;
  };
  return {
    engine: 'mysql',
    flavour,
    origin,
    host,
    port,
    admin,
    tls,
    connectionUri: (credentials = admin, database) => uri(host, port, credentials, database),
    async adminConnection() {
      // With TLS the admin connects like a client would: to a certificate host name, verifying the test CA.
      const ssl = tls ? { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: true } : undefined;
      const connection = await waitUntil(
        'MySQL admin login',
        async () => {
          const attempt = await mysql.createConnection({ host: tls?.hosts[0] ?? host, port, user: admin.username, password: admin.password, ssl });
          attempt.on('error', () => undefined);
          return attempt;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      connections.push(connection);
      return connection;
    },
    serverLog: async () => '',
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Starts a MySQL-family server for a test, of the server-matrix row `options.server` (default
 * `mariadb-10.11`). The native row: ROTATION_TEST_MYSQL_URL if set (plaintext, no general log), else a native
 * MariaDB from Debian's packages (installed on demand) on a free loopback port in a temporary directory,
 * every account with a real password, or, where that cannot be installed, its container when a runtime
 * answers. A container row (MySQL 9.7, MariaDB 11.8, MySQL 8.4): through testcontainers, TLS included.
 */
async function startMysql(options: MysqlOptions = {}): Promise<MysqlServer> {
  const spec = serverSpec(options.server ?? 'mariadb-10.11');
  if (spec.engine !== 'mysql') throw new Error(`${spec.id} is not a MySQL-family server`);
  if (spec.origin === 'container') return startContainer(spec, options);
  const url = serverUrl(spec);
  // A URL server has neither the test CA nor a readable general log.
  if (url && !options.tls && !options.logStatements) return fromUrl('mariadb', url);
  if (await nativeFallsBackToContainer(mariadbPresent)) return startContainer(spec, options);
  return startNative(options);
}

export { startMysql };
export type { MysqlFlavour, MysqlOptions, MysqlServer };
