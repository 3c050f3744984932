import { describeReliabilityContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeReliabilityContract(documentDbFixture);
