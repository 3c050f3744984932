import { createSingleUserRotation, readRotationConfig } from '@rotation-lambdas/core';
import { createMysqlAdapter, MYSQL_DEFAULTS } from './adapter.js';

// Cold start: configuration is validated once; a bad variable fails here with a ConfigurationError naming it.
const config = readRotationConfig(process.env, MYSQL_DEFAULTS);
const engine = createMysqlAdapter({ config });

/**
 * Single user: the secret's MySQL or MariaDB user changes its own password.
 * createSecret → new password in AWSPENDING; setSecret → the user's own password statement (dual passwords
 * on MySQL 8 with DUAL_PASSWORD=true); testSecret → log in with AWSPENDING; finishSecret → AWSCURRENT moves.
 */
const handler = createSingleUserRotation({ engine, config });

export { handler };
