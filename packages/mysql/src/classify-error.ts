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

const ENGINE = 'mysql';

/** Server errors that refuse a login: wrong password or user, host not allowed, database refused, account locked. */
const AUTH_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR: the secret's database is not this user's
  1045, // ER_ACCESS_DENIED_ERROR (MariaDB also answers a plaintext login under require_secure_transport so)
  1049, // ER_BAD_DB_ERROR: the secret's database does not exist
  1130, // ER_HOST_NOT_PRIVILEGED
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN: the password expired
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
  4151, // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
]);

/** Server-side statement time limits: MariaDB's max_statement_time, MySQL's max_execution_time. */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);

/** mysql2's client-side query timeout (the statement timeout the adapter sets). */
const CLIENT_TIMEOUT_CODE = 'PROTOCOL_SEQUENCE_TIMEOUT';

/** MySQL's refusal of a plaintext connection under require_secure_transport. */
const ER_SECURE_TRANSPORT_REQUIRED = 3159;

/** mysql2's own TLS failures: the server offers no TLS, or the handshake failed. */
const DRIVER_TLS_CODES = new Set(['HANDSHAKE_NO_SSL_SUPPORT', 'HANDSHAKE_SSL_ERROR']);

/** Server errors of a server or account at its connection limit: a retry once others disconnect can log in. */
const BUSY_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: max_connections
  1203, // ER_TOO_MANY_USER_CONNECTIONS: the global max_user_connections
]);

/**
 * ER_USER_LIMIT_REACHED: an account's resource limit. Only MAX_USER_CONNECTIONS frees up when other sessions
 * end; the hourly limits (MAX_CONNECTIONS_PER_HOUR, MAX_QUERIES_PER_HOUR, ...) do not within a rotation.
 */
const ER_USER_LIMIT_REACHED = 1226;

/** mysql2's codes for the server closing or resetting the socket before the handshake finished. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** Maps a mysql2 connect failure to core's typed errors; the driver error rides in `cause`. */
function classifyConnectError(error: unknown, login: CredentialsRole): EngineError {
  const code = errorCode(error);
  const errno = errnoOf(error);
  const options = { cause: error, engine: ENGINE };
  if (isNodeTlsError(error) || DRIVER_TLS_CODES.has(code) || errno === ER_SECURE_TRANSPORT_REQUIRED) {
    return new EngineTlsError(`TLS to the server failed for the ${login} login`, login, options);
  }
  if (errno !== undefined && AUTH_ERRNOS.has(errno)) {
    return new EngineAuthError(`The server refused the ${login} credentials`, login, options);
  }
  if ((errno !== undefined && BUSY_ERRNOS.has(errno)) || (errno === ER_USER_LIMIT_REACHED && /max_user_connections/.test(errorMessage(error)))) {
    return new EngineBusyError(`The server turned the ${login} login away: too many connections`, login, options);
  }
  if (RESET_CODES.has(code)) {
    return new EngineConnectionError(`The server closed the connection before the ${login} login completed`, login, { ...options, transient: true });
  }
  // mysql2's connectTimeout: a server at its limits answers the handshake late; another attempt may get in.
  if (code === 'ETIMEDOUT') {
    return new EngineConnectionError(`The server did not complete the ${login} login in time`, login, { ...options, transient: true });
  }
  return new EngineConnectionError(`The server could not be reached for the ${login} login`, login, options);
}

/**
 * A copy of a driver error keeping only what identifies it (code, errno, SQLSTATE): for statements that carry
 * a password, whose server message ("… near '<text>'") may quote part of it.
 */
function withoutMessage(error: unknown): Error {
  const source = error as { code?: unknown; errno?: unknown; sqlState?: unknown } | undefined;
  const copy = new Error(`MySQL error ${String(source?.code ?? 'unknown')} (errno ${String(source?.errno ?? '-')})`);
  copy.name = 'MysqlError';
  Object.assign(copy, { code: source?.code, errno: source?.errno, sqlState: source?.sqlState });
  return copy;
}

/**
 * Wraps a failed statement; `operation` names what was being done, never with values. The server refusing
 * a statement is an operation error (it has an errno); a statement stopped by a time limit, the server's or
 * the driver's, is a timeout; an error without an errno never got an answer: the connection was lost.
 * With `secret`, the server's message is dropped (see withoutMessage).
 */
function operationError(operation: string, login: CredentialsRole, error: unknown, secret = false): EngineError {
  const errno = errnoOf(error);
  const options = { cause: secret ? withoutMessage(error) : error, engine: ENGINE };
  if (errorCode(error) === CLIENT_TIMEOUT_CODE || (errno !== undefined && TIMEOUT_ERRNOS.has(errno))) {
    return new EngineTimeoutError(`MySQL ${operation} timed out`, login, options);
  }
  if (errno === undefined) return new EngineConnectionError(`Connection lost during the MySQL ${operation}`, login, options);
  return new EngineOperationError(`MySQL ${operation} failed`, login, options);
}

export { classifyConnectError, operationError };
