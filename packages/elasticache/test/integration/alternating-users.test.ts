import { describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeAlternatingUsersContract(elastiCacheFixture);
