import { describeLambdaRuntimeContract } from '@rotation-lambdas/test-env/contract';
import { postgresFixture } from './postgres-fixture.js';

describeLambdaRuntimeContract(postgresFixture);
