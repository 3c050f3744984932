import { describeInputContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeInputContract(documentDbFixture);
