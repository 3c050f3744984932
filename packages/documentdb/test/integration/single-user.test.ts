import { describeSingleUserContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeSingleUserContract(documentDbFixture);
