import { describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeAlternatingUsersContract(postgresFixture);
