export { startBlackHole } from './aws/black-hole.js';
export type { BlackHole } from './aws/black-hole.js';
export { captureOutput, jsonLines } from './output-capture.js';
export type { Captured } from './output-capture.js';
export { containerRuntime, containerRuntimeAvailable } from './container-runtime.js';
export type { ContainerRuntime } from './container-runtime.js';
export { sweepContainers } from './containers/container-sweep.js';
export { selectedServers, serverAvailability } from './matrix/server-selection.js';
export type { ServerAvailability } from './matrix/server-selection.js';
export { CFN_LINT_VERSION, ensureCfnLint } from './cfn-lint.js';
export type { Credentials, DatabaseServer, ServerOrigin } from './database-server.js';
export { startDocumentDb } from './documentdb.js';
export type { DocumentDbKind, DocumentDbOptions, DocumentDbServer } from './documentdb.js';
export { ensureFerretDb } from './documentdb-ferretdb.js';
export { documentDbTarget, SELF_SERVICE_ROLE, startDocumentDbTarget } from './fixtures/documentdb-target.js';
export { postgresTarget, startPostgresTarget } from './fixtures/postgres-target.js';
export {
  elastiCacheApiTarget,
  redisTarget,
  sharedLocalElastiCacheEndpoint,
  startElastiCacheApiTarget,
  startElastiCacheTarget,
  userIdForName,
} from './fixtures/elasticache-target.js';
export type { ElastiCacheApiTarget } from './fixtures/elasticache-target.js';
export { startRedis } from './redis.js';
export { startLocalElastiCache } from './elasticache/local-elasticache.js';
export type {
  ElastiCacheFault,
  ElastiCacheUserSpec,
  LocalElastiCache,
  LocalElastiCacheOptions,
  UserGroupBinding,
} from './elasticache/local-elasticache.js';
export type { RedisOptions, RedisServer } from './redis.js';
export { mysqlTarget, startMysqlTarget } from './fixtures/mysql-target.js';
export type { MysqlTarget, MysqlTargetOptions } from './fixtures/mysql-target.js';
export { ENGINE_TARGETS, installedEngines, selectedEngines } from './engine-targets.js';
export { runDemo } from './demo/run-demo.js';
export type { DemoOptions, DemoResult } from './demo/run-demo.js';
export { EmulatedFunctionError, startEmulatedLambda } from './lambda-runtime/emulated-lambda.js';
export type { EmulatedLambda, EmulatedLambdaOptions } from './lambda-runtime/emulated-lambda.js';
export { LAMBDA_MIN_MEMORY_MB, lambdaNodeOptions } from './lambda-runtime/lambda-node-flags.js';
export { ensureLambdaNodeRuntimes, LAMBDA_NODE_MAJORS } from './lambda-runtime/lambda-node-runtimes.js';
export type { LambdaNodeMajor, LambdaNodeRuntimes } from './lambda-runtime/lambda-node-runtimes.js';
export { ensureRuntimeInterfaceEmulator, RUNTIME_INTERFACE_EMULATOR } from './lambda-runtime/runtime-interface-emulator.js';
export { lambdaContext, loadHandler } from './handler-loader.js';
export type { HandlerEnvironment, RotationLambda } from './handler-loader.js';
export { errorText, LeakDetector } from './leak-detector.js';
export { startPostgres } from './postgres.js';
export type { PostgresOptions, PostgresServer } from './postgres.js';
export { startMysql } from './mysql.js';
export type { MysqlFlavour, MysqlOptions, MysqlServer } from './mysql.js';
export { startLocalRds } from './rds/local-rds.js';
export type { LocalRds, LocalRdsOptions, RdsClusterMemberSpec, RdsClusterSpec, RdsFault, RdsInstanceSpec } from './rds/local-rds.js';
export { RotationDriver, STEPS } from './rotation-driver.js';
export type { InvocationObserver, RotationDriverOptions, RotationOutcome, StepOutcome } from './rotation-driver.js';
export { pendingAfterRotationFromEnv, startLocalSecretsManager } from './secrets-manager/local-secrets-manager.js';
export type {
  LocalSecretsManager,
  LocalSecretsManagerOptions,
  PendingAfterRotation,
  SecretsManagerFault,
  SecretVersionSnapshot,
} from './secrets-manager/local-secrets-manager.js';
export { defaultServer, SERVER_MATRIX, SERVER_VERSIONS, serverSpec, serverUrl } from './server-versions.js';
export type { MatrixEngine, ServerId, ServerProduct, ServerSpec } from './server-versions.js';
export type { TargetOptions } from './fixtures/target-options.js';
export { runBench } from './bench/run-bench.js';
export type { BenchOptions, BenchResult } from './bench/run-bench.js';
export { runScale } from './bench/scale.js';
export type { ScaleOptions, ScaleResult } from './bench/scale.js';
export { createTestCertificates } from './tls-certificates.js';
export type { TestCertificates } from './tls-certificates.js';
