import { describeAttackerContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeAttackerContract(postgresFixture);
