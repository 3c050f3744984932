import { createAlternatingUsersRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createPostgresAdapter, POSTGRES_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, POSTGRES_DEFAULTS);
const engine = createPostgresAdapter({ config });

/**
 * Alternating users: the master secret (`masterarn`) keeps `<user>` and `<user>_clone` in step.
 * createSecret → the other user with a new password in AWSPENDING; setSecret → as master, create the clone
 * (member of the original, marked by a role comment) or set the other user's password, and sync the clone's
 * attributes and settings; testSecret → log in as that user; finishSecret → AWSCURRENT moves to it.
 */
const handler = createAlternatingUsersRotation({ engine, config });

export { handler };
