import {
  type CredentialsRole,
  EngineAuthError,
  EngineBusyError,
  EngineConnectionError,
  type EngineError,
  EngineOperationError,
  EngineTimeoutError,
  EngineTlsError,
  isNodeTlsError,
} from '@rotation-lambdas/core';

const ENGINE = 'documentdb';

/** Server codes for a refused login: AuthenticationFailed, UserNotFound, MechanismUnavailable. */
const AUTH_CODES = new Set([18, 11, 334]);

/** Messages of a TLS handshake the server broke off (a plaintext server closes on a ClientHello). */
const TLS_MESSAGES = /before secure TLS connection was established|SSL routines|wrong version number|certificate/i;

/**
 * The error and everything behind it: the `cause` chain, and for a server-selection timeout the error each
 * server's monitor last saw (the driver keeps it in `reason.servers`).
 */
function errorChain(error: unknown, depth = 0): unknown[] {
  if (error === undefined || error === null || depth > 6) return [];
  const found: unknown[] = [error];
  if (typeof error !== 'object') return found;
  const { cause, reason } = error as { cause?: unknown; reason?: { servers?: unknown } };
  found.push(...errorChain(cause, depth + 1));
  if (reason?.servers instanceof Map) {
    for (const description of reason.servers.values()) {
      found.push(...errorChain((description as { error?: unknown } | undefined)?.error, depth + 1));
    }
  }
  return found;
}

function field(error: unknown, name: 'code' | 'message' | 'name'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function hasLabel(entry: unknown, label: string): boolean {
  const labels = (entry as { errorLabels?: unknown } | undefined)?.errorLabels;
  return Array.isArray(labels) && labels.includes(label);
}

/**
 * Whether the server itself answered that it is overloaded: MongoDB's admission control labels such replies
 * SystemOverloadedError. (The driver also puts that label on its own network errors; those are not answers.)
 */
function isServerOverloaded(error: unknown): boolean {
  return errorChain(error).some((entry) => field(entry, 'name') === 'MongoServerError' && hasLabel(entry, 'SystemOverloadedError'));
}

/** Socket codes of a connection the server closed or reset under us. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Whether the server accepted the connection and closed it before the login completed: a reset socket, or the
 * driver's network error (not a timeout) during the initial handshake. A MongoDB at maxIncomingConnections
 * does exactly this, without a reply; so does a restart.
 */
function isResetBeforeLogin(error: unknown): boolean {
  return errorChain(error).some(
    (entry) => RESET_CODES.has(String(field(entry, 'code'))) || (field(entry, 'name') === 'MongoNetworkError' && hasLabel(entry, 'HandshakeError')),
  );
}

/** Codes of a server that is down or a name that does not resolve: no point in another attempt. */
const NOT_THERE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether the login ran out of time against a server that was there: a socket timeout, with no refusal or
 * unknown host anywhere in the chain. A saturated server answers the handshake and SCRAM exchange late.
 */
function isLoginTimeout(error: unknown): boolean {
  const chain = errorChain(error);
  const timedOut = chain.some((entry) => field(entry, 'name') === 'MongoNetworkTimeoutError' || field(entry, 'code') === 'ETIMEDOUT');
  return timedOut && !chain.some((entry) => NOT_THERE_CODES.has(String(field(entry, 'code'))));
}

/** Whether the failure is a TLS one: a Node TLS code or a handshake the server broke off. */
function isTlsFailure(error: unknown): boolean {
  return errorChain(error).some((entry) => {
    const code = field(entry, 'code');
    const message = field(entry, 'message');
    return isNodeTlsError(entry) || code === 'EPROTO' || (typeof message === 'string' && TLS_MESSAGES.test(message));
  });
}

/**
 * Whether the server refused the login: an authentication code, or any server error during the login
 * handshake (MongoDB answers a login to a database it cannot hold with InvalidNamespace, not AuthenticationFailed).
 */
function isAuthFailure(error: unknown): boolean {
  return errorChain(error).some((entry) => {
    if (field(entry, 'name') !== 'MongoServerError') return false;
    const code = field(entry, 'code');
    const labels = (entry as { errorLabels?: unknown }).errorLabels;
    return (typeof code === 'number' && AUTH_CODES.has(code)) || (Array.isArray(labels) && labels.includes('HandshakeError'));
  });
}

/** Whether connection establishment timed out (the socket connected or not: the caller probes which). */
function isConnectTimeout(error: unknown): boolean {
  return errorChain(error).some((entry) => {
    const name = String(field(entry, 'name'));
    return name === 'MongoNetworkTimeoutError' || name === 'MongoServerSelectionError';
  });
}

/**
 * Maps a driver connect failure to core's typed errors; the driver error rides in `cause`. `tlsStalled`
 * says TLS was asked for, the server accepted the TCP connection, and the handshake never finished: a
 * server without TLS that waits for more bytes instead of closing (FerretDB does).
 */
function classifyConnectError(error: unknown, login: CredentialsRole, tlsStalled = false): EngineError {
  const options = { cause: error, engine: ENGINE };
  if (tlsStalled || isTlsFailure(error)) {
    return new EngineTlsError(`TLS to the server failed for the ${login} login`, login, options);
  }
  if (isAuthFailure(error)) {
    return new EngineAuthError(`The server refused the ${login} credentials`, login, options);
  }
  if (isServerOverloaded(error)) {
    return new EngineBusyError(`The server turned the ${login} login away: overloaded`, login, options);
  }
  if (isResetBeforeLogin(error)) {
    return new EngineConnectionError(`The server closed the connection before the ${login} login completed`, login, { ...options, transient: true });
  }
  if (isLoginTimeout(error)) {
    return new EngineConnectionError(`The server did not complete the ${login} login in time`, login, { ...options, transient: true });
  }
  return new EngineConnectionError(`The server could not be reached for the ${login} login`, login, options);
}

/** MaxTimeMSExpired: the server gave up on the command. */
const SERVER_TIMEOUT_CODE = 50;

/** Driver errors meaning the connection or the server went away under a command. */
const CONNECTION_LOST = new Set([
  'MongoNetworkError',
  'MongoServerClosedError',
  'MongoTopologyClosedError',
  'MongoPoolClosedError',
  'MongoServerSelectionError',
]);

/**
 * Wraps a failed command; `operation` names what was being done, never with values. The server refusing a
 * command is an operation error; no answer within STATEMENT_TIMEOUT_SECONDS (the socket timeout) is a
 * timeout; a connection lost mid-command means the server went away.
 */
function operationError(operation: string, login: CredentialsRole, error: unknown): EngineError {
  const options = { cause: error, engine: ENGINE };
  const name = String(field(error, 'name'));
  if (/Timeout/.test(name) || (name === 'MongoServerError' && field(error, 'code') === SERVER_TIMEOUT_CODE)) {
    return new EngineTimeoutError(`DocumentDB ${operation} timed out`, login, options);
  }
  if (isServerOverloaded(error)) return new EngineBusyError(`DocumentDB ${operation} refused: the server is overloaded`, login, options);
  if (CONNECTION_LOST.has(name)) {
    return new EngineConnectionError(`Connection lost during the DocumentDB ${operation}`, login, options);
  }
  return new EngineOperationError(`DocumentDB ${operation} failed`, login, options);
}

export { classifyConnectError, errorChain, isConnectTimeout, isTlsFailure, operationError };
