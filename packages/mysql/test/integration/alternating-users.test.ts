import { describeEachServer, describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixtureOn } from './mysql-fixture.js';

// Once per server-matrix row of the engine (ROTATION_TEST_SERVERS selects rows).
await describeEachServer('mysql', (server) => describeAlternatingUsersContract(mysqlFixtureOn(server)));
