import { createAlternatingUsersRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createMysqlAdapter, MYSQL_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, MYSQL_DEFAULTS);
const engine = createMysqlAdapter({ config });

/**
 * Alternating users: the master secret (`masterarn`) keeps `<user>` and `<user>_clone` in step.
 * createSecret → the other user with a new password in AWSPENDING; setSecret → as master, create the clone at
 * the original's hosts or set the other user's password, and make the clone's privileges equal the original's;
 * testSecret → log in as that user; finishSecret → AWSCURRENT moves to it.
 */
const handler = createAlternatingUsersRotation({ engine, config });

export { handler };
