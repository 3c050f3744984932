import { describeAlternatingUsersContract } from './alternating-users-contract.js';
import type { EngineFixture } from './engine-fixture.js';
import { describeInputContract } from './input-contract.js';
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
  describeTlsContract(fixture);
}

export {
  describeAlternatingUsersContract,
  describeInputContract,
  describeReliabilityContract,
  describeRotationContract,
  describeSingleUserContract,
  describeTlsContract,
};
export { ContractContext, testPassword, uniqueName } from './contract-context.js';
export { describeEachServer } from '../matrix/describe-each-server.js';
export type { EachServerOptions } from '../matrix/describe-each-server.js';
export { expectRotationError, expectSucceeded } from './assertions.js';
export type { EngineFixture, EngineTarget, Probe, Strategy, TlsServerOptions } from './engine-fixture.js';
