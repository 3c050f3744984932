import { createSingleUserRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createPostgresAdapter, POSTGRES_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, POSTGRES_DEFAULTS);
const engine = createPostgresAdapter({ config });

/**
 * Single user: the secret's PostgreSQL user changes its own password.
 * createSecret → new password in AWSPENDING; setSecret → `ALTER ROLE SESSION_USER` as the user;
 * testSecret → log in with AWSPENDING; finishSecret → AWSCURRENT moves to it.
 */
const handler = createSingleUserRotation({ engine, config });

export { handler };
