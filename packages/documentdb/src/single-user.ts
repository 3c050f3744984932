import { createSingleUserRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createDocumentDbAdapter, DOCUMENTDB_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, DOCUMENTDB_DEFAULTS);
const engine = createDocumentDbAdapter({ config });

/**
 * Single user: the secret's DocumentDB / MongoDB user changes its own password.
 * createSecret → new password in AWSPENDING; setSecret → `updateUser` on the user's authentication database,
 * as the user; testSecret → log in with AWSPENDING; finishSecret → AWSCURRENT moves to it.
 */
const handler = createSingleUserRotation({ engine, config });

export { handler };
