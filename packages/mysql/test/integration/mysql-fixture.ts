import { fileURLToPath } from 'node:url';
import { type ServerSpec, startMysqlTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';

const dist = (name: string) => fileURLToPath(new URL(`../../dist/${name}/index.mjs`, import.meta.url));

const bundles = {
  'single-user': dist('mysql-single-user'),
  'alternating-users': dist('mysql-alternating-users'),
} as const;

/** Names that need MySQL's quoting: quotes, backticks, LIKE wildcards, `;`, comment markers, unicode, `@`. */
const HOSTILE_SHORT = [
  "o'brien",
  'dq"uote',
  'back`tick',
  'pct%user',
  'under_score',
  'semi;colon',
  'back\\slash',
  'hash#comment',
  'dash -- comment',
  '/* block */',
  'at@sign',
  'Mixed Case Space',
  'new\nline',
  'ünïcødé_用户',
];

/**
 * MariaDB's half of the contract: the bundles, the server (native MariaDB 10.11), and names that need its
 * quoting. The secrets say `mariadb`; the pending-version check is exercised with `mysql`, which the handlers
 * accept for another server, so only the resource comparison can refuse it.
 */
const mysqlFixture: EngineFixture = {
  engine: 'mysql',
  bundles,
  startTarget: startMysqlTarget,
  hostileUsernames: [
    ...HOSTILE_SHORT,
    "x'; DROP USER rotation_canary; --",
    "x`; DROP USER 'rotation_canary'@'%'; #",
    'x"); DROP USER rotation_canary; /*',
  ],
  engineAlias: 'mysql',
  comparedFields: ['engine', 'host', 'port', 'dbname'],
  rdsManaged: { engine: 'mariadb', kind: 'instance' },
  wireProtocol: 'mysql',
  maxUsernameLength: 80,
};

/** MySQL's differences: 32-character names (the clone adds 6, so the injections are shorter), the aurora-mysql alias. */
const MYSQL_DIFFERENCES = {
  hostileUsernames: [...HOSTILE_SHORT, "x';DROP USER rotation_c;--", 'x`;DROP USER a;#'],
  engineAlias: 'aurora-mysql',
  rdsManaged: { engine: 'mysql', kind: 'instance' },
  maxUsernameLength: 32,
} as const satisfies Partial<EngineFixture>;

/**
 * The contract on a row of the server matrix: MariaDB 10.11 (native), MariaDB 11.8, MySQL 9.7 (built here
 * from Debian sid) or MySQL 8.4 (where Docker can pull it). MySQL rows get MySQL's names and limits.
 */
function mysqlFixtureOn(spec: ServerSpec): EngineFixture {
  const startTarget: EngineFixture['startTarget'] = (options) => startMysqlTarget({ ...options, server: spec.id });
  return spec.product === 'mysql' ? { ...mysqlFixture, ...MYSQL_DIFFERENCES, startTarget } : { ...mysqlFixture, startTarget };
}

/** MySQL single user with DUAL_PASSWORD=true: the previous password keeps working for one more rotation. */
function mysqlDualPasswordFixtureOn(spec: ServerSpec): EngineFixture {
  return {
    ...mysqlFixtureOn(spec),
    // Retaining or discarding one's own secondary password needs APPLICATION_PASSWORD_ADMIN.
    startTarget: (options) => startMysqlTarget({ ...options, server: spec.id }, { userPrivileges: ['APPLICATION_PASSWORD_ADMIN'] }),
    handlerEnv: { DUAL_PASSWORD: 'true' },
    keepsPreviousPassword: true,
  };
}

export { mysqlDualPasswordFixtureOn, mysqlFixture, mysqlFixtureOn };
