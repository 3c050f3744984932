import { createSingleUserRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createElastiCacheAdapter, ELASTICACHE_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, ELASTICACHE_DEFAULTS);
const engine = createElastiCacheAdapter({ config });

/**
 * Single user, zero downtime: the user keeps its current password beside the new one until the next rotation.
 * createSecret → new password in AWSPENDING; setSecret → `ACL SETUSER <self> resetpass #current #new` on every
 * node, or ModifyUser `Passwords: [new, current]` for an ElastiCache user (`user_arn`); testSecret → AUTH with
 * AWSPENDING and PING; finishSecret → AWSCURRENT moves to it.
 */
const handler = createSingleUserRotation({ engine, config });

export { handler };
