import { describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeAlternatingUsersContract(mysqlFixture);
