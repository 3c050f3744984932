import { describeSingleUserContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeSingleUserContract(elastiCacheFixture);
