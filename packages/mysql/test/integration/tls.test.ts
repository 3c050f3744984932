import { describeTlsContract } from '@rotation-lambdas/test-env/contract';
import { mysqlFixture } from './mysql-fixture.js';

describeTlsContract(mysqlFixture);
