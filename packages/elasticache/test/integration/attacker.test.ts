import { describeAttackerContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeAttackerContract(elastiCacheFixture);
