import { describeEachServer, describeTlsContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixtureOn } from './elasticache-fixture.js';

// Once per server-matrix row of the engine (ROTATION_TEST_SERVERS selects rows).
await describeEachServer('elasticache', (server) => describeTlsContract(elastiCacheFixtureOn(server)));
