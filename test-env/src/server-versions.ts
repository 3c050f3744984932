/** The engine packages, by the engine name their handlers report. */
type MatrixEngine = 'postgres' | 'mysql' | 'documentdb' | 'elasticache';

/** The server software a row runs (MySQL and MariaDB are both the `mysql` engine; Valkey and Redis both `elasticache`). */
type ServerProduct = 'postgres' | 'mysql' | 'mariadb' | 'redis' | 'valkey' | 'ferretdb' | 'mongo';

/** A Debian suite the image bases are debootstrapped from. */
type DebianSuite = 'trixie' | 'sid';

/** How an image is built here from Debian packages: a directory under `test-env/images`, a suite, build arguments. */
interface ImageRecipe {
  readonly context: 'postgres' | 'mysql' | 'keyvalue';
  readonly suite: DebianSuite;
  readonly buildArgs: Readonly<Record<string, string>>;
}

/** One row of the server matrix: a server version every contract runs against. */
interface ServerSpec {
  readonly id: string;
  readonly engine: MatrixEngine;
  readonly product: ServerProduct;
  /** Human name with the version, as the results summary prints it. */
  readonly label: string;
  /** `native`: a process from Debian's packages (or the Go module proxy); `container`: through testcontainers. */
  readonly origin: 'native' | 'container';
  /**
   * The official image a container runtime with a registry pulls. For native rows it is the fallback on a
   * machine where the Debian package cannot be installed (no apt-get, not root) but a runtime answers.
   */
  readonly image?: string;
  /** Built here from Debian packages where no registry is reachable (the project's podman); absent: no Debian package exists. */
  readonly recipe?: ImageRecipe;
  /** The Debian package of a native row. */
  readonly debianPackage?: string;
}

/**
 * Every server version the tests run against, in one place, in the order the matrix runs them. The first
 * row of each engine is its default: the fast native server the demo, the benchmark and unmarked tests use.
 */
const SERVER_MATRIX = [
  { id: 'postgres-15', engine: 'postgres', product: 'postgres', label: 'PostgreSQL 15', origin: 'native', image: 'postgres:15', debianPackage: 'postgresql' },
  {
    id: 'postgres-17', engine: 'postgres', product: 'postgres', label: 'PostgreSQL 17', origin: 'container', image: 'postgres:17',
    recipe: { context: 'postgres', suite: 'trixie', buildArgs: { PG_MAJOR: '17' } },
  },
  { id: 'mariadb-10.11', engine: 'mysql', product: 'mariadb', label: 'MariaDB 10.11', origin: 'native', image: 'mariadb:10.11', debianPackage: 'mariadb-server' },
  {
    id: 'mariadb-11.8', engine: 'mysql', product: 'mariadb', label: 'MariaDB 11.8', origin: 'container', image: 'mariadb:11.8',
    recipe: { context: 'mysql', suite: 'trixie', buildArgs: { SERVER: 'mariadb' } },
  },
  {
    id: 'mysql-9.7', engine: 'mysql', product: 'mysql', label: 'MySQL 9.7', origin: 'container', image: 'mysql:9.7',
    recipe: { context: 'mysql', suite: 'sid', buildArgs: { SERVER: 'mysql' } },
  },
  { id: 'mysql-8.4', engine: 'mysql', product: 'mysql', label: 'MySQL 8.4', origin: 'container', image: 'mysql:8.4' },
  { id: 'redis-7.0', engine: 'elasticache', product: 'redis', label: 'Redis 7.0', origin: 'native', image: 'redis:7.0', debianPackage: 'redis-server' },
  {
    id: 'valkey-8', engine: 'elasticache', product: 'valkey', label: 'Valkey 8', origin: 'container', image: 'valkey/valkey:8',
    recipe: { context: 'keyvalue', suite: 'trixie', buildArgs: { SERVER: 'valkey' } },
  },
  {
    id: 'valkey-9', engine: 'elasticache', product: 'valkey', label: 'Valkey 9', origin: 'container', image: 'valkey/valkey:9',
    recipe: { context: 'keyvalue', suite: 'sid', buildArgs: { SERVER: 'valkey' } },
  },
  {
    id: 'redis-8', engine: 'elasticache', product: 'redis', label: 'Redis 8', origin: 'container', image: 'redis:8',
    recipe: { context: 'keyvalue', suite: 'trixie', buildArgs: { SERVER: 'redis' } },
  },
  { id: 'ferretdb-1.24', engine: 'documentdb', product: 'ferretdb', label: 'FerretDB 1.24', origin: 'native' },
  { id: 'mongo-7', engine: 'documentdb', product: 'mongo', label: 'MongoDB 7', origin: 'container', image: 'mongo:7' },
] as const satisfies readonly ServerSpec[];

/** A row's id (`postgres-17`). */
type ServerId = (typeof SERVER_MATRIX)[number]['id'];

/** The native servers' sources, for the install code: Debian packages, and FerretDB's Go module. */
const SERVER_VERSIONS = {
  postgres: { debianPackage: 'postgresql' },
  mariadb: { debianPackage: 'mariadb-server' },
  redis: { debianPackage: 'redis-server' },
  ferretdb: { goModule: 'github.com/FerretDB/FerretDB/cmd/ferretdb', version: 'v1.24.2' },
} as const;

/** The row with this id; throws naming the known ids otherwise. */
function serverSpec(id: string): ServerSpec {
  const spec = SERVER_MATRIX.find((row) => row.id === id);
  if (spec === undefined) throw new Error(`unknown server ${id}; known: ${SERVER_MATRIX.map((row) => row.id).join(', ')}`);
  return spec;
}

/**
 * The URL of an external server a row runs against instead of starting one, from the environment:
 * ROTATION_TEST_POSTGRES_URL, ROTATION_TEST_MYSQL_URL (MariaDB) and ROTATION_TEST_REDIS_URL stand in for the
 * native rows; ROTATION_TEST_DOCUMENTDB_URL for MongoDB, or for FerretDB with ROTATION_TEST_DOCUMENTDB_KIND=ferretdb.
 */
function serverUrl(spec: ServerSpec, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const documentDbKind = env.ROTATION_TEST_DOCUMENTDB_KIND === 'ferretdb' ? 'ferretdb' : 'mongo';
  const variable: Partial<Record<string, string>> = {
    'postgres-15': 'ROTATION_TEST_POSTGRES_URL',
    'mariadb-10.11': 'ROTATION_TEST_MYSQL_URL',
    'redis-7.0': 'ROTATION_TEST_REDIS_URL',
    [documentDbKind === 'ferretdb' ? 'ferretdb-1.24' : 'mongo-7']: 'ROTATION_TEST_DOCUMENTDB_URL',
  };
  const name = variable[spec.id];
  return name === undefined ? undefined : env[name] || undefined;
}

/** An engine's default row: its first, the native server. */
function defaultServer(engine: MatrixEngine): ServerSpec {
  const spec = SERVER_MATRIX.find((row) => row.engine === engine);
  if (spec === undefined) throw new Error(`no server for engine ${engine}`);
  return spec;
}

export { defaultServer, SERVER_MATRIX, SERVER_VERSIONS, serverSpec, serverUrl };
export type { DebianSuite, ImageRecipe, MatrixEngine, ServerId, ServerProduct, ServerSpec };
