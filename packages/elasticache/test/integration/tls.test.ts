import { describeTlsContract } from '@rotation-lambdas/test-env/contract';
import { elastiCacheFixture } from './elasticache-fixture.js';

describeTlsContract(elastiCacheFixture);
