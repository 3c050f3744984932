import { describeLambdaRuntimeContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeLambdaRuntimeContract(elastiCacheFixture);
