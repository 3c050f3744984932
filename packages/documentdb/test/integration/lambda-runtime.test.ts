import { describeLambdaRuntimeContract } from '@rotation-lambdas/test-env/contract';
import { documentDbFixture } from './documentdb-fixture.js';

describeLambdaRuntimeContract(documentDbFixture);
