import {
  EngineAuthError,
  EngineBusyError,
  EngineConnectionError,
  EngineOperationError,
  EngineTimeoutError,
  EngineTlsError,
} from '@rotation-lambdas/core';
import { describe, expect, it } from 'vitest';
import { classifyConnectError, operationError } from '../../src/classify-error.js';

const driverError = (fields: Record<string, unknown>, message = 'driver message') => Object.assign(new Error(message), fields);

describe('mysql error classification', () => {
  it.each([
    [{ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, EngineAuthError],
    [{ code: 'ER_DBACCESS_DENIED_ERROR', errno: 1044 }, EngineAuthError],
    [{ code: 'ER_HOST_NOT_PRIVILEGED', errno: 1130 }, EngineAuthError],
    [{ code: 'ER_ACCOUNT_HAS_BEEN_LOCKED', errno: 3118 }, EngineAuthError],
    [{ code: 'HANDSHAKE_NO_SSL_SUPPORT' }, EngineTlsError],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, EngineTlsError],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, EngineTlsError],
    [{ code: 'ER_SECURE_TRANSPORT_REQUIRED', errno: 3159 }, EngineTlsError],
    [{ code: 'ECONNREFUSED' }, EngineConnectionError],
    [{ code: 'ETIMEDOUT' }, EngineConnectionError],
  ])('maps %j to %o', (fields, kind) => {
    const error = classifyConnectError(driverError(fields), 'pending');

    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ login: 'pending', engine: 'mysql' });
  });

  it.each([
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, EngineTimeoutError],
    [{ code: 'ER_STATEMENT_TIMEOUT', errno: 1969 }, EngineTimeoutError],
    [{ code: 'ER_QUERY_TIMEOUT', errno: 3024 }, EngineTimeoutError],
    [{ code: 'PROTOCOL_CONNECTION_LOST' }, EngineConnectionError],
    [{ code: 'ECONNRESET' }, EngineConnectionError],
    [{ code: 'ER_TABLEACCESS_DENIED_ERROR', errno: 1142 }, EngineOperationError],
  ])('maps a failed statement %j to %o', (fields, kind) => {
    expect(operationError('alternate user update', 'master', driverError(fields))).toBeInstanceOf(kind);
  });

  it('drops the server message of a failed statement that carried a password', () => {
    const failure = driverError({ code: 'ER_PARSE_ERROR', errno: 1064, sqlState: '42000' }, "syntax error near 'Secr3t-pass'");

    const wrapped = operationError('password change', 'current', failure, true);
    const kept = operationError('user lookup', 'master', failure);

    expect((wrapped.cause as Error).message).toBe('MySQL error ER_PARSE_ERROR (errno 1064)');
    expect(wrapped.cause).toMatchObject({ code: 'ER_PARSE_ERROR', errno: 1064, sqlState: '42000' });
    expect(kept.cause).toBe(failure);
    expect(wrapped.message).toBe('MySQL password change failed');
  });

  /** What mysql2 3.24 raised against MariaDB 10.11 started with --max-connections=10 --max-user-connections=2. */
  const captured = (message: string, fields: Record<string, unknown>) => driverError({ ...fields, sqlMessage: message }, message);

  it.each([
    ['the server at max_connections', captured('Too many connections', { code: 'ER_CON_COUNT_ERROR', errno: 1040, sqlState: '08004' })],
    [
      'the global max_user_connections',
      captured("User app already has more than 'max_user_connections' active connections", {
        code: 'ER_TOO_MANY_USER_CONNECTIONS',
        errno: 1203,
        sqlState: '42000',
      }),
    ],
    [
      "an account's MAX_USER_CONNECTIONS",
      captured("User 'lim' has exceeded the 'max_user_connections' resource (current value: 1)", {
        code: 'ER_USER_LIMIT_REACHED',
        errno: 1226,
        sqlState: '42000',
      }),
    ],
  ])('maps a login refused by %s to ENGINE_BUSY', (_, error) => {
    const mapped = classifyConnectError(error, 'master');

    expect(mapped).toBeInstanceOf(EngineBusyError);
    expect(mapped).toBeInstanceOf(EngineConnectionError);
    expect(mapped).toMatchObject({ code: 'ENGINE_BUSY', login: 'master', engine: 'mysql', cause: error });
  });

  it('leaves the hourly account limits out of ENGINE_BUSY: they do not free up within a rotation', () => {
    const hourly = captured("User 'lim' has exceeded the 'max_connections_per_hour' resource (current value: 10)", {
      code: 'ER_USER_LIMIT_REACHED',
      errno: 1226,
      sqlState: '42000',
    });

    expect(classifyConnectError(hourly, 'current')).not.toBeInstanceOf(EngineBusyError);
  });

  it.each([
    ['closed by the server', driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'Connection lost: The server closed the connection.')],
    ['reset', driverError({ code: 'ECONNRESET', errno: -104 }, 'read ECONNRESET')],
    ['out of its connect timeout', driverError({ code: 'ETIMEDOUT', fatal: true }, 'connect ETIMEDOUT')],
  ])('marks a connection %s before the handshake finished as transient, keeping ENGINE_UNREACHABLE', (_, error) => {
    const mapped = classifyConnectError(error, 'pending');

    expect(mapped.transient).toBe(true);
    expect(mapped.code).toBe('ENGINE_UNREACHABLE');
    expect(classifyConnectError(driverError({ code: 'ECONNREFUSED' }), 'pending').transient).toBe(false);
  });
});
