import { describeInputContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeInputContract(postgresFixture);
