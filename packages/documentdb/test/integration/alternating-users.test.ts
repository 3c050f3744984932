import { describeEachServer, describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixtureOn } from './documentdb-fixture.js';

// Once per server-matrix row of the engine (ROTATION_TEST_SERVERS selects rows).
await describeEachServer('documentdb', (server) => describeAlternatingUsersContract(documentDbFixtureOn(server)));
