import { describeInputContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeInputContract(elastiCacheFixture);
