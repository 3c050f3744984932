import {
  type CredentialsRole,
  EngineAuthError,
  EngineBusyError,
  EngineConnectionError,
  type EngineError,
  EngineOperationError,
  EngineTimeoutError,
  EngineTlsError,
  errorCode,
  errorMessage,
  isNodeTlsError,
} from '@rotation-lambdas/core';

const ENGINE = 'postgres';

/** SQLSTATEs PostgreSQL returns when it refuses a login. */
const AUTH_STATES = new Set([
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification: no such role, pg_hba rejects
  '3D000', // invalid_catalog_name: the secret's database does not exist
]);

/** SQLSTATEs of a server that turns logins away for now. */
const BUSY_STATES = new Set([
  '53300', // too_many_connections: max_connections, the reserved superuser slots, a role's or database's CONNECTION LIMIT
  '53000', // insufficient_resources: the postmaster could not start a backend for the connection
  '57P03', // cannot_connect_now: starting up, shutting down, or in recovery and not yet accepting connections
]);

/** How pg reports the server closing or resetting the socket before the login finished. */
function isResetBeforeLogin(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE' || errorMessage(error) === 'Connection terminated unexpectedly';
}

/**
 * Whether the login ran out of its connect timeout. A server at its limits answers logins late (PostgreSQL's
 * listen backlog is twice max_connections; a saturated server's SCRAM exchange is slow): worth another attempt
 * inside the step's time, where a refused connection or an unknown host is not.
 */
function isLoginTimeout(error: unknown): boolean {
  return errorCode(error) === 'ETIMEDOUT' || /connection timeout|timeout expired/i.test(errorMessage(error));
}

/** Maps a pg connect failure to core's typed errors; the driver error rides in `cause`. */
function classifyConnectError(error: unknown, login: CredentialsRole): EngineError {
  const code = errorCode(error);
  const message = errorMessage(error);
  const options = { cause: error, engine: ENGINE };
  if (isNodeTlsError(error) || /does not support SSL|no encryption|SSL connection/i.test(message)) {
    return new EngineTlsError(`TLS to the server failed for the ${login} login`, login, options);
  }
  if (AUTH_STATES.has(code)) {
    return new EngineAuthError(`The server refused the ${login} credentials`, login, options);
  }
  if (BUSY_STATES.has(code)) {
    return new EngineBusyError(`The server turned the ${login} login away: too many connections, starting or stopping`, login, options);
  }
  if (isResetBeforeLogin(error)) {
    return new EngineConnectionError(`The server closed the connection before the ${login} login completed`, login, { ...options, transient: true });
  }
  if (isLoginTimeout(error)) {
    return new EngineConnectionError(`The server did not complete the ${login} login in time`, login, { ...options, transient: true });
  }
  return new EngineConnectionError(`The server could not be reached for the ${login} login`, login, options);
}

/** A SQLSTATE: five characters, digits and upper-case letters. Errors without one never reached the server. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Wraps a failed statement; `operation` names what was being done, never with values. The server refusing
 * a statement is an operation error; a statement cancelled by statement_timeout (57014) or by the client's
 * query timeout is a timeout; a connection lost mid-statement means the server went away.
 */
function operationError(operation: string, login: CredentialsRole, error: unknown): EngineError {
  const code = errorCode(error);
  const options = { cause: error, engine: ENGINE };
  if (code === '57014' || (!SQLSTATE.test(code) && /timeout/i.test(errorMessage(error)))) {
    return new EngineTimeoutError(`PostgreSQL ${operation} timed out`, login, options);
  }
  if (!SQLSTATE.test(code)) {
    return new EngineConnectionError(`Connection lost during the PostgreSQL ${operation}`, login, options);
  }
  return new EngineOperationError(`PostgreSQL ${operation} failed`, login, options);
}

export { classifyConnectError, operationError };
