import { createRequire } from 'node:module';
import { startPostgresTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';

const require = createRequire(import.meta.url);

/** PostgreSQL for the CLI's tests; the driver-based set-up steps use the built handlers. */
const postgresFixture: EngineFixture = {
  engine: 'postgres',
  bundles: {
    'single-user': require.resolve('@rotation-lambdas/postgres/single-user'),
    'alternating-users': require.resolve('@rotation-lambdas/postgres/alternating-users'),
  },
  startTarget: startPostgresTarget,
  hostileUsernames: [],
  engineAlias: 'aurora-postgresql',
  comparedFields: ['engine', 'host', 'port', 'dbname'],
  maxUsernameLength: 63,
};

export { postgresFixture };
