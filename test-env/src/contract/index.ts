import { describeAlternatingUsersContract } from './alternating-users-contract.js';
import { describeAttackerContract } from './attacker-contract.js';
import type { EngineFixture } from './engine-fixture.js';
import { describeInputContract } from './input-contract.js';
import { describeLambdaRuntimeContract, withEmulatedLambda, zipOf } from './lambda-runtime-contract.js';
import { describeReliabilityContract } from './reliability-contract.js';
import { describeSingleUserContract } from './single-user-contract.js';
import { describeTlsContract } from './tls-contract.js';

/**
 * The whole engine-agnostic rotation contract: both strategies end to end, idempotency and retries,
 * hostile names and passwords, bad input, TLS, and no secret in any output. Each engine's integration
 * test calls this once with its fixture and adds only what is specific to the engine.
 */
function describeRotationContract(fixture: EngineFixture): void {
  describeSingleUserContract(fixture);
  describeAlternatingUsersContract(fixture);
  describeInputContract(fixture);
  describeAttackerContract(fixture);
  describeTlsContract(fixture);
}

export {
  describeAlternatingUsersContract,
  describeAttackerContract,
  describeInputContract,
  describeLambdaRuntimeContract,
  describeReliabilityContract,
  describeRotationContract,
  describeSingleUserContract,
  describeTlsContract,
  withEmulatedLambda,
  zipOf,
};
export { ContractContext, testPassword, uniqueName } from './contract-context.js';
export {
  expectFinishedStages,
  expectRotationError,
  expectSucceeded,
  expectTwoRotations,
  FINISHED_VERSION_STAGES,
  hasUnfinishedRotation,
} from './assertions.js';
export type { EngineFixture, EngineTarget, Probe, Strategy, TlsServerOptions } from './engine-fixture.js';
