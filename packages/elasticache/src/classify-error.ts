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

/** The engine name errors carry (the adapter's name). */
const ENGINE = 'elasticache';

/** Replies with which Redis refuses credentials: wrong password or unknown/disabled user, or no AUTH at all. */
const AUTH_REPLIES = /^(WRONGPASS|NOAUTH|ERR invalid password|ERR AUTH <password> called without any password)/;

/**
 * Replies of a server that takes no more work for now: at maxclients (sent to the new connection, which the
 * server then closes), loading its dataset after a start, or blocked by a long script.
 */
const BUSY_REPLIES = /^(ERR max number of clients reached|LOADING |BUSY )/;

/** How ioredis reports the server closing or resetting the socket before the login finished. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * A copy of a driver error with only its name, message and code. ioredis attaches the failed command's
 * arguments to reply errors (`AUTH user password`, `ACL SETUSER … #hash`); those must not ride along.
 */
function driverCause(error: unknown): Error {
  const copy = new Error(errorMessage(error));
  copy.name = error instanceof Error ? error.name : 'Error';
  const code = errorCode(error);
  if (code !== '') Object.assign(copy, { code });
  return copy;
}

/** Whether the error is the server's answer (a Redis error reply), as opposed to the connection failing. */
function isReply(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'ReplyError';
}

/** Whether ioredis gave up waiting for the reply (its commandTimeout, STATEMENT_TIMEOUT_SECONDS). */
function isCommandTimeout(error: unknown): boolean {
  return errorMessage(error) === 'Command timed out';
}

/** Whether a Redis reply error is a refusal of the credentials. */
function isAuthRefusal(error: unknown): boolean {
  return AUTH_REPLIES.test(errorMessage(error));
}

/** Whether a Redis reply error says the user may not run the command. */
function isPermissionRefusal(error: unknown): boolean {
  return errorMessage(error).startsWith('NOPERM');
}

/** Whether a Redis reply error says the server is full or not ready for commands. */
function isBusyReply(error: unknown): boolean {
  return BUSY_REPLIES.test(errorMessage(error));
}

/** Whether the connection was closed or reset under the login (the server's close reads "Connection is closed."). */
function isReset(error: unknown): boolean {
  return RESET_CODES.has(errorCode(error)) || errorMessage(error) === 'Connection is closed.';
}

/** Whether a connect failure is TLS's own (certificate, host name, protocol), as opposed to the network's. */
function isTlsFailure(error: unknown): boolean {
  return isNodeTlsError(error) || /\b(SSL|TLS)\b|certificate|wrong version number/i.test(errorMessage(error));
}

/**
 * Maps a failed login to core's typed errors. `tlsHandshakeStalled` is set when TLS was on and the server
 * took the TCP connection but never completed the handshake: a plaintext Redis does exactly that.
 */
function classifyConnectError(error: unknown, login: CredentialsRole, tlsHandshakeStalled = false): EngineError {
  const options = { cause: driverCause(error), engine: ENGINE };
  if (isTlsFailure(error) || tlsHandshakeStalled) {
    return new EngineTlsError(`TLS to the server failed for the ${login} login`, login, options);
  }
  if (isAuthRefusal(error)) {
    return new EngineAuthError(`The server refused the ${login} credentials`, login, options);
  }
  if (isBusyReply(error)) {
    return new EngineBusyError(`The server turned the ${login} login away: too many clients, or loading`, login, options);
  }
  // A server at its limits answers the connect or AUTH late: another attempt inside the step's time may get in.
  if (isCommandTimeout(error)) {
    return new EngineTimeoutError(`The server did not answer the ${login} login in time`, login, { ...options, transient: true });
  }
  if (errorCode(error) === 'ETIMEDOUT') {
    return new EngineConnectionError(`The server did not complete the ${login} login in time`, login, { ...options, transient: true });
  }
  if (isReset(error)) {
    return new EngineConnectionError(`The server closed the connection before the ${login} login completed`, login, { ...options, transient: true });
  }
  return new EngineConnectionError(`The server could not be reached for the ${login} login`, login, options);
}

/**
 * Wraps a failed command; `operation` names what was being done, never with values. An error reply is an
 * operation error (NOPERM is named), no reply within STATEMENT_TIMEOUT_SECONDS a timeout, and anything else
 * a connection lost mid-command.
 */
function operationError(operation: string, login: CredentialsRole, error: unknown): EngineError {
  const options = { cause: driverCause(error), engine: ENGINE };
  if (isCommandTimeout(error)) return new EngineTimeoutError(`Redis ${operation} timed out`, login, options);
  if (!isReply(error)) {
    return new EngineConnectionError(`Connection lost during the Redis ${operation}`, login, options);
  }
  if (isBusyReply(error)) return new EngineBusyError(`Redis ${operation} refused: the server is loading or busy`, login, options);
  const hint = isPermissionRefusal(error) ? ' (NOPERM: the user may not run this command)' : '';
  return new EngineOperationError(`Redis ${operation} failed${hint}`, login, options);
}

export { classifyConnectError, driverCause, ENGINE, isAuthRefusal, isPermissionRefusal, isTlsFailure, operationError };
