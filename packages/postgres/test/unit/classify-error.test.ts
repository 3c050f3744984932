import { EngineBusyError, EngineConnectionError } from '@rotation-lambdas/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyConnectError, operationError } from '../../src/classify-error.js';

const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { code });

describe('PostgreSQL error classification', () => {
  it.each([
    ['28P01', 'ENGINE_AUTH'],
    ['28000', 'ENGINE_AUTH'],
    ['3D000', 'ENGINE_AUTH'],
    ['ECONNREFUSED', 'ENGINE_UNREACHABLE'],
    ['ENOTFOUND', 'ENGINE_UNREACHABLE'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ENGINE_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'ENGINE_TLS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ENGINE_TLS'],
  ])('maps a connect failure with code %s to %s', (code, expected) => {
    expect(classifyConnectError(pgError(code), 'current')).toMatchObject({ code: expected, login: 'current', engine: 'postgres' });
  });

  it('maps a server without TLS to ENGINE_TLS, never a fallback', () => {
    expect(classifyConnectError(new Error('The server does not support SSL connections'), 'pending').code).toBe('ENGINE_TLS');
  });

  it.each([
    [pgError('42501', 'permission denied to create role'), 'ENGINE_OPERATION'],
    [pgError('57014', 'canceling statement due to statement timeout'), 'ENGINE_TIMEOUT'],
    [new Error('Query read timeout'), 'ENGINE_TIMEOUT'],
    [new Error('Connection terminated unexpectedly'), 'ENGINE_UNREACHABLE'],
  ])('maps a statement failure %s to %s', (error, expected) => {
    const mapped = operationError('clone creation', 'master', error);
    expect(mapped.code).toBe(expected);
    expect(mapped.message).not.toContain(error.message);
    expect(mapped.cause).toBe(error);
  });

  /**
   * What pg 8.23 raised against PostgreSQL 15 started with max_connections=3 and superuser_reserved_connections=1
   * (a role with CONNECTION LIMIT 1; logins while starting and during a smart shutdown), and against a listener
   * that accepts and closes: fields as captured, in pg's own DatabaseError class.
   */
  const captured = (message: string, code: string, routine: string) =>
    Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code, severity: 'FATAL', routine });

  it.each([
    ['the server at max_connections', captured('sorry, too many clients already', '53300', 'InitProcess')],
    [
      'the slots left for superusers',
      captured('remaining connection slots are reserved for non-replication superuser connections', '53300', 'InitPostgres'),
    ],
    ['a role at its CONNECTION LIMIT', captured('too many connections for role "limited"', '53300', 'InitializeSessionUserId')],
    ['a server starting up', captured('the database system is starting up', '57P03', 'ProcessStartupPacket')],
    ['a server shutting down', captured('the database system is shutting down', '57P03', 'ProcessStartupPacket')],
    ['a server that cannot start a backend', captured('could not fork new process for connection', '53000', 'BackendStartup')],
  ])('maps a login refused by %s to ENGINE_BUSY, not ENGINE_UNREACHABLE', (_, error) => {
    const mapped = classifyConnectError(error, 'current');

    expect(mapped).toBeInstanceOf(EngineBusyError);
    expect(mapped).toBeInstanceOf(EngineConnectionError);
    expect(mapped).toMatchObject({ code: 'ENGINE_BUSY', login: 'current', engine: 'postgres', cause: error });
    expect(mapped.message).not.toContain(error.message);
  });

  it.each([
    ['closed by the server', new Error('Connection terminated unexpectedly')],
    ['reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' })],
    ['out of its connect timeout', new Error('Connection terminated due to connection timeout')],
  ])('marks a connection %s before the login completed as transient, keeping ENGINE_UNREACHABLE', (_, error) => {
    const mapped = classifyConnectError(error, 'pending');

    expect(mapped.transient).toBe(true);
    expect(mapped.code).toBe('ENGINE_UNREACHABLE');
    expect(classifyConnectError(pgError('ECONNREFUSED'), 'pending').transient).toBe(false);
  });
});
