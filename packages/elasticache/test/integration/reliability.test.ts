import { describeReliabilityContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeReliabilityContract(elastiCacheFixture);
