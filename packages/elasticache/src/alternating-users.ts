import { createAlternatingUsersRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createElastiCacheAdapter, ELASTICACHE_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, ELASTICACHE_DEFAULTS);
const engine = createElastiCacheAdapter({ config });

/**
 * Alternating users: the master secret (`masterarn`) keeps `<user>` and `<user>_clone` in step.
 * createSecret → the other user with a new password in AWSPENDING; setSecret → as master, ACL SETUSER the
 * clone with the original's rules copied from ACL GETUSER, or the original's new password (on every node);
 * for ElastiCache users, CreateUser/ModifyUser and ModifyUserGroup; testSecret → AUTH as that user and PING;
 * finishSecret → AWSCURRENT moves to it.
 */
const handler = createAlternatingUsersRotation({ engine, config });

export { handler };
