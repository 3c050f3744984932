import { type ServerSpec, sharedLocalElastiCacheEndpoint, startElastiCacheApiTarget } from '@rotation-lambdas/test-env';
import type { EngineFixture } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

/**
 * The ElastiCache RBAC half of the contract on a Redis-family row of the server matrix (Redis 7.0 natively
 * by default): secrets carry `user_arn`, so every change goes through the ElastiCache API (the local control
 * plane in test-env, driven by the real SDK client), which applies it to that row's real server and keeps
 * users `modifying` for a while, as the service does.
 */
function elastiCacheApiFixtureOn(spec?: ServerSpec): EngineFixture {
  return {
    ...elastiCacheFixture,
    startTarget: (options) => startElastiCacheApiTarget({ ...options, server: spec?.id }),
    // A getter, read when each handler is loaded, after the target started the control plane (a spread of
    // this object would read it too early).
    get handlerEnv() {
      return {
        ELASTICACHE_ENDPOINT: sharedLocalElastiCacheEndpoint(),
        MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '10',
        WAITING_RETRY_INTERVAL_IN_SECONDS: '1',
      };
    },
  };
}

/** The API-path fixture on the native default server. */
const elastiCacheApiFixture: EngineFixture = elastiCacheApiFixtureOn();

export { elastiCacheApiFixture, elastiCacheApiFixtureOn };
