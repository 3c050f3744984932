import { describeSingleUserContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeSingleUserContract(mysqlFixture);
