import { describeReliabilityContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeReliabilityContract(mysqlFixture);
