import { fileURLToPath } from 'node:url';
import { startElastiCacheTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';
import { MAX_USERNAME_LENGTH } from '../../src/adapter.js';

const dist = (name: string) => fileURLToPath(new URL(`../../dist/${name}/index.mjs`, import.meta.url));

/**
 * The self-managed Redis half of the contract (no `user_arn`): ACL users on a real redis-server, names whose
 * every leading character has a meaning in an ACL rule, and zero-downtime single-user rotation.
 */
const elastiCacheFixture: EngineFixture = {
  engine: 'elasticache',
  bundles: {
    'single-user': dist('elasticache-single-user'),
    'alternating-users': dist('elasticache-alternating-users'),
  },
  startTarget: startElastiCacheTarget,
  hostileUsernames: [
    "o'brien",
    'dq"uote',
    '~tilde*',
    '%R~percent',
    '&ampersand',
    '+@all',
    '-@all',
    '@at',
    '>greater',
    '<less',
    '#hash',
    ':colon',
    '(paren)',
    'reset',
    'nopass',
    'on',
    'allkeys',
    'semi;colon',
    'back\\slash',
    'ünïcødé_用户',
  ],
  engineAlias: 'valkey',
  comparedFields: ['engine', 'host', 'port'],
  keepsPreviousPassword: true,
  openUsers: true,
  wireProtocol: 'redis',
  maxUsernameLength: MAX_USERNAME_LENGTH,
};

export { elastiCacheFixture };
