import { describeLambdaRuntimeContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeLambdaRuntimeContract(mysqlFixture);
