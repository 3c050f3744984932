export { captureOutput, jsonLines } from './output-capture.js';
export type { Captured } from './output-capture.js';
export { containerRuntimeAvailable } from './container-runtime.js';
export type { Credentials, DatabaseServer, ServerOrigin } from './database-server.js';
export { postgresTarget, startPostgresTarget } from './fixtures/postgres-target.js';
export { loadHandler } from './handler-loader.js';
export type { HandlerEnvironment, RotationLambda } from './handler-loader.js';
export { errorText, LeakDetector } from './leak-detector.js';
export { startPostgres } from './postgres.js';
export type { PostgresOptions, PostgresServer } from './postgres.js';
export { startLocalRds } from './rds/local-rds.js';
export type { LocalRds, LocalRdsOptions, RdsClusterMemberSpec, RdsClusterSpec, RdsFault, RdsInstanceSpec } from './rds/local-rds.js';
export { RotationDriver, STEPS } from './rotation-driver.js';
export type { InvocationObserver, RotationDriverOptions, RotationOutcome, StepOutcome } from './rotation-driver.js';
export { startLocalSecretsManager } from './secrets-manager/local-secrets-manager.js';
export type {
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  SecretsManagerFault,
  SecretVersionSnapshot,
} from './secrets-manager/local-secrets-manager.js';
export { SERVER_VERSIONS } from './server-versions.js';
export { createTestCertificates } from './tls-certificates.js';
export type { TestCertificates } from './tls-certificates.js';
