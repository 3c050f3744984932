export { alternateUsername, derivedPairs, recordedUserPair, userPairOf } from './alternate-user.js';
export type { UserPair } from './alternate-user.js';
export { createAlternatingUsersRotation } from './alternating-users.js';
export { readRotationConfig } from './config.js';
export type { EngineDefaults, PasswordPolicy, RotationConfig } from './config.js';
export {
  CLONE_SUFFIX,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  ROTATION_USERS_FIELD,
  RotationStep,
  RotationStrategy,
  StagingLabel,
} from './constants.js';
export { databaseResource, parseDatabaseSecret } from './database-secret.js';
export { currentDeadline, DEADLINE_MARGIN_MS, StepDeadline, stepTimeoutMs } from './deadline.js';
export type { LambdaContextLike } from './deadline.js';
export type { DatabaseSecret, DatabaseSecretShape } from './database-secret.js';
export type {
  AdminSession,
  AlternateUserChange,
  EngineAdapter,
  OwnPasswordChange,
  RotationMarker,
  ServerEndpoint,
  UserSession,
  UserState,
} from './engine.js';
export { errorCode, errorMessage, isNodeTlsError } from './driver-errors.js';
export { readEnvBoolean, readEnvInteger, readEnvString, readEnvUrl } from './env.js';
export type { Environment } from './env.js';
export {
  AlternateUserConflictError,
  ConfigurationError,
  DeadlineExceededError,
  EngineAuthError,
  EngineBusyError,
  EngineConnectionError,
  EngineError,
  EngineOperationError,
  EngineTimeoutError,
  EngineTlsError,
  InvalidEventError,
  InvalidSecretError,
  MasterSecretError,
  RdsLookupError,
  ResourceMismatchError,
  RotationError,
  RotationInProgressError,
  RotationNotEnabledError,
  SecretNotAllowedError,
  SecretsManagerError,
  StagingLabelError,
  UnsupportedFeatureError,
  UsernameTooLongError,
} from './errors.js';
export type { CredentialsRole, RotationErrorOptions, SecretSource } from './errors.js';
export { causeReason } from './error-reason.js';
export { parseRotationEvent } from './event.js';
export type { RotationEvent } from './event.js';
export { JsonLogger, logLevelFromEnv } from './logger.js';
export type { JsonLoggerOptions, LogFields, Logger, LogLevel } from './logger.js';
export { createLocalRotation } from './local-rotation.js';
export type { LocalRotation, LocalStepResult } from './local-rotation.js';
export { createStepMetrics } from './metrics.js';
export type { StepMeasurement, StepMetrics, StepMetricsOptions, StepOutcome } from './metrics.js';
export { isRdsHost, isReplicaOfMaster, SdkRdsLookups } from './rds-topology.js';
export type { RdsLookups } from './rds-topology.js';
export type { RotationHandler, RotationHandlerOptions } from './rotation-handler.js';
export {
  normalizeHost,
  optionalString,
  parseSecretJson,
  readPort,
  readSsl,
  requireEngine,
  requirePassword,
  requireString,
} from './secret-fields.js';
export type { RotatableSecret, SecretJson } from './secret-fields.js';
export { SecretScrubber } from './secret-scrubber.js';
export type { SecretsManagerSender } from './secrets-repository.js';
export { runPreflight } from './preflight.js';
export { isTransient, withRetries } from './retry.js';
export type { CheckStatus, PreflightCheck } from './preflight.js';
export { createSingleUserRotation } from './single-user.js';
export { trustedCertificates } from './tls-trust.js';
export { ROTATION_LAMBDAS_VERSION } from './version.js';
