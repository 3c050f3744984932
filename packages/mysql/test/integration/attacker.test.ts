import { describeAttackerContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeAttackerContract(mysqlFixture);
