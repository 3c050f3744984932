import { fileURLToPath } from 'node:url';
import { startPostgresTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';

const dist = (name: string) => fileURLToPath(new URL(`../../dist/${name}/index.mjs`, import.meta.url));

/** PostgreSQL's half of the contract: its bundles, its server, and names that need its identifier quoting. */
const postgresFixture: EngineFixture = {
  engine: 'postgres',
  bundles: {
    'single-user': dist('postgres-single-user'),
    'alternating-users': dist('postgres-alternating-users'),
  },
  startTarget: startPostgresTarget,
  hostileUsernames: [
    "o'brien",
    'dq"uote',
    'semi;colon',
    'x"; DROP ROLE rotation_canary; --',
    "x'); DROP ROLE rotation_canary; --",
    'back\\slash',
    '$dollar$ quoted$',
    'Mixed Case Space',
    'new\nline',
    'ünïcødé_用户',
  ],
  engineAlias: 'aurora-postgresql',
  comparedFields: ['engine', 'host', 'port', 'dbname'],
  rdsManaged: { engine: 'postgres', kind: 'instance' },
  wireProtocol: 'postgres',
  openUsers: true,
  maxUsernameLength: 63,
};

export { postgresFixture };
