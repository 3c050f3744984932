import {
  describeAlternatingUsersContract,
  describeAttackerContract,
  describeEachServer,
  describeSingleUserContract,
  describeTlsContract,
} from '@rotation-lambdas/test-env/contract';
import { elastiCacheApiFixtureOn } from './elasticache-api-fixture.js';

// The same contract through the ElastiCache API path, once per Redis-family row. The input contract is
// path-independent (parsing and confused-deputy checks run before either path) and runs once per row, in
// rotation-inputs.test.ts.
await describeEachServer('elasticache', (server) => {
  describeSingleUserContract(elastiCacheApiFixtureOn(server));
  describeAlternatingUsersContract(elastiCacheApiFixtureOn(server));
  describeAttackerContract(elastiCacheApiFixtureOn(server));
  describeTlsContract(elastiCacheApiFixtureOn(server));
});
