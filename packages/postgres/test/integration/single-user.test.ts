import { describeSingleUserContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeSingleUserContract(postgresFixture);
