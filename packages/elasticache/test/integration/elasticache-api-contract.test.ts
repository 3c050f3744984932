import {
  describeAlternatingUsersContract,
  describeAttackerContract,
  describeSingleUserContract,
  describeTlsContract,
} from '@rotation-lambdas/test-env/contract';
import { elastiCacheApiFixture } from './elasticache-api-fixture.js';

// The same contract through the ElastiCache API path. The input contract is path-independent (parsing and
// confused-deputy checks run before either path) and runs once, in rotation-inputs.test.ts.
describeSingleUserContract(elastiCacheApiFixture);
describeAlternatingUsersContract(elastiCacheApiFixture);
describeAttackerContract(elastiCacheApiFixture);
describeTlsContract(elastiCacheApiFixture);
