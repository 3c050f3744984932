import { describeAlternatingUsersContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeAlternatingUsersContract(documentDbFixture);
