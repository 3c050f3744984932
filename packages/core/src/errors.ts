import type { RotationStep } from './constants.js';

/** Which secret a field or credential came from. */
type SecretSource = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS' | 'master';

/**
 * Which credentials a login used. `probe` is a login rotation makes only to learn whether an account is
 * held by this secret's writers (a password from one of its versions, or a deliberately wrong one).
 */
type CredentialsRole = 'current' | 'pending' | 'master' | 'probe';

/** Options every rotation error accepts; the driver's error rides in `cause`. */
interface RotationErrorOptions extends ErrorOptions {
  step?: RotationStep;
  field?: string;
  engine?: string;
  /** Another attempt may get past it: throttled, or a connection that broke before it logged in. */
  transient?: boolean;
}

/**
 * Base class of every error a rotation function throws on purpose. `code` is stable and safe to alarm on;
 * the message names fields and rules, never values. Thrown as is only for failures with no narrower class.
 */
class RotationError extends Error {
  readonly code: string = 'ROTATION_FAILED';
  /** The step that failed; the step runner fills it in when the thrower did not know it. */
  step: RotationStep | undefined;
  /** The secret field, event field or environment variable at fault, when there is one. */
  readonly field: string | undefined;
  /** The engine adapter that raised it, when an engine did. */
  readonly engine: string | undefined;
  /** Another attempt may get past it (core retries these within the step's deadline). */
  readonly transient: boolean;

  constructor(message: string, options: RotationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.step = options.step;
    this.field = options.field;
    this.engine = options.engine;
    this.transient = options.transient === true;
  }

  /** The fields a log line carries for this error: no cause payload, no values. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, step: this.step, field: this.field, engine: this.engine };
  }
}

/** Thrown when the invocation event lacks `Step`, `SecretId` or `ClientRequestToken`, or names an unknown step. */
class InvalidEventError extends RotationError {
  override readonly code = 'INVALID_EVENT';
}

/** Thrown when an environment variable has a value the function cannot use; `field` names the variable. */
class ConfigurationError extends RotationError {
  override readonly code = 'CONFIGURATION';
}

/** Thrown when `SECRET_ARN` pins the function to one secret and the event names another. */
class SecretNotAllowedError extends RotationError {
  override readonly code = 'SECRET_NOT_ALLOWED';
}

/** Thrown when a local rotation is asked to start while another rotation of the secret is unfinished. */
class RotationInProgressError extends RotationError {
  override readonly code = 'ROTATION_IN_PROGRESS';
}

/** Thrown when the secret does not have rotation enabled. */
class RotationNotEnabledError extends RotationError {
  override readonly code = 'ROTATION_NOT_ENABLED';
}

/** Thrown when the event's token is not a version of the secret, or is not staged as AWSPENDING. */
class StagingLabelError extends RotationError {
  override readonly code = 'STAGING_LABEL';
}

/** Thrown when a secret value is not a JSON object or one of its fields is missing or malformed. */
class InvalidSecretError extends RotationError {
  override readonly code = 'INVALID_SECRET';
  /** Which secret held the bad field. */
  readonly source: SecretSource;

  constructor(message: string, source: SecretSource, options: RotationErrorOptions = {}) {
    super(message, options);
    this.source = source;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), source: this.source };
  }
}

/** Thrown when the pending secret names another resource or user than the current one (confused-deputy check). */
class ResourceMismatchError extends RotationError {
  override readonly code = 'RESOURCE_MISMATCH';
}

/** Thrown when an alternate username would exceed the engine's identifier limit. */
class UsernameTooLongError extends RotationError {
  override readonly code = 'USERNAME_TOO_LONG';
  readonly limit: number;

  constructor(message: string, limit: number, options: RotationErrorOptions = {}) {
    super(message, options);
    this.limit = limit;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limit: this.limit };
  }
}

/** Thrown when the master secret is missing, unreadable, incomplete, or for another database server. */
class MasterSecretError extends RotationError {
  override readonly code = 'MASTER_SECRET';
}

/** Thrown when the alternate user exists but rotation did not create it and adoption is not allowed. */
class AlternateUserConflictError extends RotationError {
  override readonly code = 'ALTERNATE_USER_CONFLICT';
}

/** Base of errors raised while talking to the database or service; `login` says whose credentials were in use. */
class EngineError extends RotationError {
  override readonly code: string = 'ENGINE';
  readonly login: CredentialsRole | undefined;

  constructor(message: string, login: CredentialsRole | undefined, options: RotationErrorOptions = {}) {
    super(message, options);
    this.login = login;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), login: this.login };
  }
}

/** Thrown when the server rejects a login (wrong password, unknown user, user not allowed). */
class EngineAuthError extends EngineError {
  override readonly code = 'ENGINE_AUTH';
}

/** Thrown when the server cannot be reached in time (DNS, refused, reset, timeout). */
class EngineConnectionError extends EngineError {
  override readonly code: string = 'ENGINE_UNREACHABLE';
}

/** Thrown when TLS cannot be established or verified (untrusted CA, wrong hostname, server without TLS). */
class EngineTlsError extends EngineError {
  override readonly code = 'ENGINE_TLS';
}

/** Thrown when the server does not answer a statement within STATEMENT_TIMEOUT_SECONDS. */
class EngineTimeoutError extends EngineError {
  override readonly code = 'ENGINE_TIMEOUT';
}

/** Thrown when a statement or command that changes or inspects a user fails on the server. */
class EngineOperationError extends EngineError {
  override readonly code = 'ENGINE_OPERATION';
}

/**
 * Thrown when a step runs out of the Lambda's remaining time (less a margin for the failure log line):
 * `operation` names what was running. Nothing is left that the service's retry of the step cannot finish.
 */
class DeadlineExceededError extends RotationError {
  override readonly code = 'DEADLINE_EXCEEDED';
  readonly operation: string;

  constructor(operation: string, options: RotationErrorOptions = {}) {
    super(`The step ran out of time during ${operation}`, options);
    this.operation = operation;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation };
  }
}

/** Thrown when the configuration asks for something this server cannot do. */
class UnsupportedFeatureError extends RotationError {
  override readonly code = 'UNSUPPORTED';
}

/** Thrown when a Secrets Manager call fails for a reason the protocol does not handle. */
class SecretsManagerError extends RotationError {
  override readonly code = 'SECRETS_MANAGER';
}

/** Thrown when the RDS control plane cannot answer a lookup the rotation needs. */
class RdsLookupError extends RotationError {
  override readonly code = 'RDS_LOOKUP';
}

/**
 * Thrown when the server is reachable but turns the login away for now: full (too many connections for the
 * server, the user or the role), starting up or shutting down, or an API that throttles. Always transient.
 */
class EngineBusyError extends EngineConnectionError {
  override readonly code = 'ENGINE_BUSY';

  constructor(message: string, login: CredentialsRole | undefined, options: RotationErrorOptions = {}) {
    super(message, login, { ...options, transient: true });
  }
}

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
};
export type { CredentialsRole, RotationErrorOptions, SecretSource };
