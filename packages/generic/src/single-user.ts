import { createSingleUserRotation, readRotationConfig } from '@rotation-lambdas/core';
import { API_KEY_DEFAULTS, createApiKeyRotator } from './example/api-key-rotator.js';
import { createServiceAdapter } from './service-adapter.js';

// To rotate another service, replace the rotator (and its defaults): the rest of this file stays as it is.
const config = readRotationConfig(process.env, API_KEY_DEFAULTS);
const engine = createServiceAdapter(createApiKeyRotator({ timeoutMs: config.statementTimeoutMs }));

/**
 * Single user for any service: createSecret → a new key in AWSPENDING; setSecret → the service replaces the
 * current key with it; testSecret → the new key authenticates; finishSecret → AWSCURRENT moves to it.
 */
const handler = createSingleUserRotation({ engine, config });

export { handler };
