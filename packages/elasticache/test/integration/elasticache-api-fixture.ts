import { sharedLocalElastiCacheEndpoint, startElastiCacheApiTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

/**
 * The ElastiCache RBAC half of the contract: secrets carry `user_arn`, so every change goes through the
 * ElastiCache API (the local control plane in test-env, driven by the real SDK client), which applies it to
 * a real Redis and keeps users `modifying` for a while, as the service does.
 */
const elastiCacheApiFixture: EngineFixture = {
  ...elastiCacheFixture,
  startTarget: startElastiCacheApiTarget,
  // Read when each handler is loaded, after the target started the control plane.
  get handlerEnv() {
    return {
      ELASTICACHE_ENDPOINT: sharedLocalElastiCacheEndpoint(),
      MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '10',
      WAITING_RETRY_INTERVAL_IN_SECONDS: '1',
    };
  },
};

export { elastiCacheApiFixture };
