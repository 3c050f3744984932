import { describeTlsContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeTlsContract(postgresFixture);
