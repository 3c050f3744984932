import { type Environment, readEnvInteger, readEnvUrl } from '@rotation-lambdas/core';
import type { WaitSettings } from './control-plane.js';

/** The ElastiCache-specific environment, read once at cold start. */
interface ElastiCacheSettings {
  /** ELASTICACHE_ENDPOINT: the control-plane endpoint (a VPC interface endpoint, or a local stand-in in tests). */
  readonly endpoint: string | undefined;
  readonly waits: WaitSettings;
}

/**
 * Defaults sized for the 30 s Lambda timeout: waits of one step stop after 15 s, leaving room for two
 * logins (5 s connect timeout each) and the Secrets Manager calls. AWS's template waits up to 600 s.
 */
const DEFAULT_MAX_WAIT_SECONDS = 15;
const DEFAULT_RETRY_INTERVAL_SECONDS = 2;

/** Reads ELASTICACHE_ENDPOINT and the two wait variables AWS's ElastiCache template reads; throws ConfigurationError. */
function readElastiCacheSettings(env: Environment): ElastiCacheSettings {
  const maxWait = readEnvInteger(env, 'MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS', DEFAULT_MAX_WAIT_SECONDS, 1, 900);
  const retryInterval = readEnvInteger(env, 'WAITING_RETRY_INTERVAL_IN_SECONDS', DEFAULT_RETRY_INTERVAL_SECONDS, 1, 60);
  return {
    endpoint: readEnvUrl(env, 'ELASTICACHE_ENDPOINT'),
    waits: { maxWaitMs: maxWait * 1000, retryIntervalMs: retryInterval * 1000 },
  };
}

export { DEFAULT_MAX_WAIT_SECONDS, DEFAULT_RETRY_INTERVAL_SECONDS, readElastiCacheSettings };
export type { ElastiCacheSettings };
