import { describeAttackerContract, describeEachServer } from '@rotation-lambdas/test-env/contract';
import { postgresFixtureOn } from './postgres-fixture.js';

// Once per server-matrix row of the engine (ROTATION_TEST_SERVERS selects rows).
await describeEachServer('postgres', (server) => describeAttackerContract(postgresFixtureOn(server)));
