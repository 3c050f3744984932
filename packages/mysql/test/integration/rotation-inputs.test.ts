import { describeInputContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeInputContract(mysqlFixture);
