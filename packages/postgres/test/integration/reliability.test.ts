import { describeReliabilityContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeReliabilityContract(postgresFixture);
