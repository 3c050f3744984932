import { describeTlsContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeTlsContract(documentDbFixture);
