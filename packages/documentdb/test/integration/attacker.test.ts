import { describeAttackerContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeAttackerContract(documentDbFixture);
