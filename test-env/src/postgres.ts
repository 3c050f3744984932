import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { cacheDir } from './cache-dir.js';
import { nativeFallsBackToContainer } from './container-runtime.js';
import type { Credentials, DatabaseServer } from './database-server.js';
import { testEnvLog } from './debug-log.js';
import { freePort } from './free-port.js';
import { type NativeProcess, startNativeProcess } from './native-process.js';
import { startServerContainer } from './containers/server-container.js';
import { SERVER_VERSIONS, type ServerSpec, serverSpec, serverUrl } from './server-versions.js';
import { ensureDebianPackages, isRoot } from './system-packages.js';
import { systemUser } from './system-users.js';
import { createTestCertificates, type TestCertificates, temporaryTestCertificates } from './tls-certificates.js';
import { waitUntil } from './wait-until.js';

const run = promisify(execFile);
const log = testEnvLog('postgres');

/** Options for a test PostgreSQL server. */
interface PostgresOptions {
  /** Serve TLS with a certificate from a fresh test CA for these host names (default: localhost, 127.0.0.1). */
  readonly tls?: boolean | { readonly hosts: readonly string[] };
  /** Accept only TLS connections (pg_hba `hostssl`). */
  readonly requireTls?: boolean;
  /** Log every statement the server runs to a file `serverLog()` returns (native servers only). */
  readonly logStatements?: boolean;
  /** The server-matrix row (a `postgres-*` id); the native default when absent. */
  readonly server?: string;
}

/** A started PostgreSQL server. */
interface PostgresServer extends DatabaseServer {
  /** A connected admin client; closed by `stop()`. */
  adminClient(database?: string): Promise<pg.Client>;
  /** The server's log so far (with `logStatements`: every statement it ran); empty when not kept. */
  serverLog(): Promise<string>;
}

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] === undefined ? undefined : join(root, majors[0], 'bin');
}

function uri(host: string, port: number, credentials: Credentials, database = 'postgres'): string {
  return `postgres://${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@${host}:${port}/${encodeURIComponent(database)}`;
}

/** The account native servers run as: PostgreSQL refuses to run as root. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const account = systemUser('postgres');
  if (account === undefined) throw new Error('PostgreSQL runs as the "postgres" account, which does not exist');
  return account;
}

async function chownTree(path: string, account: { uid: number; gid: number } | undefined): Promise<void> {
  if (account === undefined) return;
  await run('chown', ['-R', `${account.uid}:${account.gid}`, path]);
}

/**
 * A data directory made by initdb once and cached (initdb takes over a second; copying takes a tenth):
 * SCRAM-SHA-256 for every local and host login, a random superuser password kept beside it.
 */
async function templateDataDir(bin: string): Promise<{ dataDir: string; password: string }> {
  const major = bin.split('/').at(-2) ?? 'x';
  const cached = cacheDir(`postgres-${major}-template`);
  if (existsSync(join(cached, 'data', 'PG_VERSION')) && existsSync(join(cached, 'password'))) {
    return { dataDir: join(cached, 'data'), password: (await readFile(join(cached, 'password'), 'utf8')).trim() };
  }
  const account = serverAccount();
  const work = await mkdtemp('/tmp/rlpg-init-');
  const password = randomBytes(18).toString('base64url');
  await writeFile(join(work, 'pwfile'), password);
  await chownTree(work, account);
  await run(join(bin, 'initdb'), ['-D', join(work, 'data'), '-U', 'postgres', '--auth-host=scram-sha-256',
    '--auth-local=scram-sha-256', `--pwfile=${join(work, 'pwfile')}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
    account ?? {});
  const staging = await mkdtemp(join(cached, '..', `postgres-${major}-staging-`));
  await run('cp', ['-a', join(work, 'data'), join(staging, 'data')]);
  await writeFile(join(staging, 'password'), password);
  await rm(cached, { recursive: true, force: true });
  // Parallel workers may race to build the template; rename makes one of them win whole.
  await rename(staging, cached).catch(async () => rm(staging, { recursive: true, force: true }));
  await rm(work, { recursive: true, force: true });
  return templateDataDir(bin);
}

function tlsHosts(options: PostgresOptions): readonly string[] | undefined {
  if (!options.tls) return undefined;
  return options.tls === true ? ['localhost', '127.0.0.1'] : options.tls.hosts;
}

async function writeHba(dataDir: string, requireTls: boolean): Promise<void> {
  const kind = requireTls ? 'hostssl' : 'host';
  await writeFile(
    join(dataDir, 'pg_hba.conf'),
    `local all all scram-sha-256\n${kind} all all 127.0.0.1/32 scram-sha-256\n${kind} all all ::1/128 scram-sha-256\n`,
  );
}

async function startNative(options: PostgresOptions): Promise<PostgresServer> {
  await ensureDebianPackages([SERVER_VERSIONS.postgres.debianPackage], () => postgresBinDir() !== undefined);
  const bin = postgresBinDir() as string;
  const template = await templateDataDir(bin);
  const account = serverAccount();
  // Short: the Unix socket path must fit in 107 bytes.
  const root = await mkdtemp('/tmp/rlpg-');
  const dataDir = join(root, 'data');
  await run('cp', ['-a', template.dataDir, dataDir]);
  await writeHba(dataDir, options.requireTls === true);
  const hosts = tlsHosts(options);
  let tls: TestCertificates | undefined;
  if (hosts !== undefined) {
    await mkdir(join(root, 'tls'));
    tls = await createTestCertificates(join(root, 'tls'), hosts, 'postgres');
    await chmod(tls.keyFile, 0o600);
  }
  await chownTree(root, account);
  if (account) await chown(root, account.uid, account.gid);

  let started: NativeProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 3 && started === undefined; attempt++) {
    port = await freePort();
    const args = ['-D', dataDir, '-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${root}`,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'password_encryption=scram-sha-256',
      ...(tls ? ['-c', 'ssl=on', '-c', `ssl_cert_file=${tls.certFile}`, '-c', `ssl_key_file=${tls.keyFile}`] : []),
      ...(options.logStatements ? ['-c', 'log_statement=all', '-c', 'logging_collector=on', '-c', `log_directory=${root}/log`,
        '-c', 'log_filename=postgresql.log'] : [])];
    const candidate = startNativeProcess(`postgres:${port}`, join(bin, 'postgres'), args, account ?? {});
    try {
      await waitUntil('PostgreSQL', () => run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-t', '1']), {
        timeoutMs: 20_000,
        abortIf: candidate.exited,
      });
      started = candidate;
    } catch (error) {
      await candidate.stop('SIGKILL');
      // Another process may have taken the port between freePort() and bind(): try a new one.
      if (!/could not bind|Address already in use/.test(candidate.output()) || attempt === 2) throw error;
    }
  }
  const running = started as NativeProcess;
  log('native PostgreSQL on port %d (tls: %s)', port, tls !== undefined);
  const logFile = join(root, 'log', 'postgresql.log');
  const server = handle('native', '127.0.0.1', port, { username: 'postgres', password: template.password }, tls, async () => {
    await running.stop('SIGINT');
    await rm(root, { recursive: true, force: true });
  });
  return { ...server, serverLog: () => readFile(logFile, 'utf8').catch(() => '') };
}

/** Where the TLS files go in a container (then copied to /tmp, owned by postgres). */
const CONTAINER_TLS_DIR = '/etc/rotation-lambdas';

async function startContainer(spec: ServerSpec, options: PostgresOptions): Promise<PostgresServer> {
  if (options.logStatements) throw new Error(`statement logs are kept for native servers only, not for ${spec.label} in a container`);
  const password = randomBytes(18).toString('base64url');
  const tls = await temporaryTestCertificates(tlsHosts(options), 'postgres');
  const kind = options.requireTls ? 'hostssl' : 'host';
  const tuning = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'password_encryption=scram-sha-256'];
  const tlsArgs = tls === undefined ? [] : ['-c', 'ssl=on', '-c', `ssl_cert_file=${CONTAINER_TLS_DIR}/server.pem`, '-c', 'ssl_key_file=/tmp/server.key',
    '-c', 'hba_file=/tmp/pg_hba.conf'];
  const container = await startServerContainer({
    spec,
    port: 5432,
    environment: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: password, POSTGRES_DB: 'postgres' },
    command: ['postgres', ...tuning, ...tlsArgs],
    ...(tls === undefined ? {} : {
      // The key and pg_hba.conf owned by postgres: the server insists on the key's, and tests edit the file.
      entrypoint: ['sh', '-c', `install -o postgres -g postgres -m 600 ${CONTAINER_TLS_DIR}/server.key ${CONTAINER_TLS_DIR}/pg_hba.conf /tmp/ && exec docker-entrypoint.sh "$@"`, 'sh'],
      files: [
        { source: tls.certFile, target: `${CONTAINER_TLS_DIR}/server.pem`, mode: 0o644 },
        { source: tls.keyFile, target: `${CONTAINER_TLS_DIR}/server.key`, mode: 0o600 },
        { content: `local all all scram-sha-256\n${kind} all all 0.0.0.0/0 scram-sha-256\n${kind} all all ::/0 scram-sha-256\n`,
          target: `${CONTAINER_TLS_DIR}/pg_hba.conf`, mode: 0o644 },
      ],
    }),
    async ready(host, port) {
      const client = new pg.Client({ host, port, user: 'postgres', password, database: 'postgres', ssl: tls ? { rejectUnauthorized: false } : false,
        connectionTimeoutMillis: 2_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  });
  return handle('container', container.host, container.port, { username: 'postgres', password }, tls, async () => {
    await container.stop();
    if (tls !== undefined) await rm(tls.directory, { recursive: true, force: true });
  });
}

function fromUrl(url: string): PostgresServer {
  const parsed = new URL(url);
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  return handle('url', parsed.hostname, Number(parsed.port || 5432), credentials, undefined, async () => undefined);
}

function handle(
  origin: PostgresServer['origin'],
  host: string,
  port: number,
  admin: Credentials,
  tls: TestCertificates | undefined,
  shutdown: () => Promise<void>,
): PostgresServer {
  const serverLog = async () => '';
  const clients: pg.Client[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await shutdown();
    })();
    return stopped;
  };
  return {
    engine: 'postgres',
    origin,
    host,
    port,
    admin,
    tls,
    connectionUri: (credentials = admin, database) => uri(host, port, credentials, database),
    async adminClient(database = 'postgres') {
      // With TLS the admin connects like a client would: to a certificate host name, verifying the test CA.
      const ssl = tls ? { ca: tls.ca, rejectUnauthorized: true } : false;
      const client = await waitUntil(
        'PostgreSQL admin login',
        async () => {
          const attempt = new pg.Client({ host: tls?.hosts[0] ?? host, port, user: admin.username, password: admin.password, database, ssl });
          attempt.on('error', () => undefined);
          try {
            await attempt.connect();
          } catch (error) {
            await attempt.end().catch(() => undefined);
            throw error;
          }
          return attempt;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      clients.push(client);
      return client;
    },
    serverLog,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Starts a PostgreSQL server for a test, of the server-matrix row `options.server` (default `postgres-15`).
 * The native row: ROTATION_TEST_POSTGRES_URL if set (plaintext only), else a native server from Debian's
 * packages (installed on demand) on a free loopback port in a temporary directory with SCRAM password
 * authentication, or, where that cannot be installed, its container when a runtime answers. A container row:
 * through testcontainers, TLS included (the test CA's files are copied in).
 */
async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const spec = serverSpec(options.server ?? 'postgres-15');
  if (spec.origin === 'container') return startContainer(spec, options);
  const url = serverUrl(spec);
  if (url && !options.tls && !options.logStatements) return fromUrl(url);
  if (await nativeFallsBackToContainer(() => postgresBinDir() !== undefined)) return startContainer(spec, options);
  return startNative(options);
}

export { startPostgres };
export type { PostgresOptions, PostgresServer };
