import { createAlternatingUsersRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createDocumentDbAdapter, DOCUMENTDB_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, DOCUMENTDB_DEFAULTS);
const engine = createDocumentDbAdapter({ config });

/**
 * Alternating users: the master secret (`masterarn`) keeps `<user>` and `<user>_clone` in step.
 * createSecret → the other user with a new password in AWSPENDING; setSecret → as master, in the user's
 * authentication database, create the clone (marked in customData) or set the other user's password, and
 * make the clone's roles equal the original's; testSecret → log in as that user; finishSecret → AWSCURRENT moves.
 */
const handler = createAlternatingUsersRotation({ engine, config });

export { handler };
