import { EngineBusyError } from '@rotation-lambdas/core';
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { classifyConnectError, driverCause, operationError } from '../../src/classify-error.js';

function replyError(message: string, args: string[]): Error {
  return Object.assign(new Error(message), { name: 'ReplyError', command: { name: 'auth', args } });
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('connect error classification', () => {
  it('maps refused credentials to ENGINE_AUTH', () => {
    for (const message of ['WRONGPASS invalid username-password pair or user is disabled.', 'NOAUTH Authentication required.']) {
      expect(classifyConnectError(replyError(message, []), 'pending')).toMatchObject({ code: 'ENGINE_AUTH', login: 'pending' });
    }
  });

  it('maps certificate, host name and protocol failures to ENGINE_TLS', () => {
    const failures = [
      networkError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      networkError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      networkError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
      networkError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
    ];
    for (const failure of failures) expect(classifyConnectError(failure, 'current').code).toBe('ENGINE_TLS');
  });

  it('maps a TLS handshake the server never answered to ENGINE_TLS, and network failures to ENGINE_UNREACHABLE', () => {
    const timeout = networkError('ETIMEDOUT', 'connect ETIMEDOUT');

    expect(classifyConnectError(timeout, 'current', true).code).toBe('ENGINE_TLS');
    expect(classifyConnectError(timeout, 'current').code).toBe('ENGINE_UNREACHABLE');
    expect(classifyConnectError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.invalid'), 'master').code).toBe('ENGINE_UNREACHABLE');
    expect(classifyConnectError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'), 'master').code).toBe('ENGINE_UNREACHABLE');
  });

  it('keeps the driver message and code in the cause but never the command arguments', () => {
    const error = replyError('WRONGPASS invalid username-password pair', ['app', 'the-password']);

    const cause = classifyConnectError(error, 'current').cause as Error & Record<string, unknown>;

    expect(cause.message).toBe('WRONGPASS invalid username-password pair');
    expect(cause.command).toBeUndefined();
    expect(JSON.stringify(Object.entries(cause))).not.toContain('the-password');
    expect(driverCause(networkError('ECONNRESET', 'read ECONNRESET'))).toMatchObject({ code: 'ECONNRESET' });
  });

  it('tells a command that timed out and a connection lost mid-command from an error reply', () => {
    expect(operationError('ACL SETUSER', 'master', new Error('Command timed out')).code).toBe('ENGINE_TIMEOUT');
    expect(operationError('ACL SETUSER', 'master', new Error('Connection is closed.')).code).toBe('ENGINE_UNREACHABLE');
    expect(operationError('ACL SETUSER', 'master', replyError('ERR Error in ACL SETUSER modifier', [])).code).toBe('ENGINE_OPERATION');
    expect(classifyConnectError(new Error('Command timed out'), 'current').code).toBe('ENGINE_TIMEOUT');
  });

  it('names a NOPERM refusal in the operation error without values', () => {
    const error = operationError('ACL SETUSER', 'current', replyError("NOPERM this user has no permissions to run the 'acl|setuser' command", []));

    expect(error).toMatchObject({ code: 'ENGINE_OPERATION', login: 'current', engine: 'elasticache' });
    expect(error.message).toBe('Redis ACL SETUSER failed (NOPERM: the user may not run this command)');
  });

  it('maps the reply of a server at maxclients to ENGINE_BUSY, without the AUTH arguments', () => {
    // As ioredis 6 raised it from Redis 7.0 with `CONFIG SET maxclients 2`: the reply to the AUTH that follows the connect.
    const full = Object.assign(new ReplyError('ERR max number of clients reached'), { command: { name: 'AUTH', args: ['app', 'the-password'] } });

    const mapped = classifyConnectError(full, 'current');

    expect(mapped).toBeInstanceOf(EngineBusyError);
    expect(mapped).toMatchObject({ code: 'ENGINE_BUSY', login: 'current', engine: 'elasticache' });
    expect(JSON.stringify(Object.entries(mapped.cause as object))).not.toContain('the-password');
  });

  it('maps a server loading its dataset or blocked by a script to ENGINE_BUSY, at login and mid-command', () => {
    const loading = new ReplyError('LOADING Redis is loading the dataset in memory');
    const script = new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');

    expect(classifyConnectError(loading, 'pending').code).toBe('ENGINE_BUSY');
    expect(operationError('ACL SETUSER', 'master', loading).code).toBe('ENGINE_BUSY');
    expect(operationError('ACL GETUSER', 'master', script).code).toBe('ENGINE_BUSY');
  });

  it('marks a connection the server closed before AUTH finished as transient, keeping ENGINE_UNREACHABLE', () => {
    // ioredis against a listener that accepts and closes: connect() rejects, the 'error' event has the EPIPE.
    for (const error of [networkError('EPIPE', 'write EPIPE'), new Error('Connection is closed.')]) {
      const mapped = classifyConnectError(error, 'pending');
      expect(mapped.transient).toBe(true);
      expect(mapped.code).toBe('ENGINE_UNREACHABLE');
    }
    expect(classifyConnectError(networkError('ECONNREFUSED', 'connect ECONNREFUSED'), 'pending').transient).toBe(false);
  });

  it('marks a login that ran out of its connect or command timeout as transient, keeping its code', () => {
    expect(classifyConnectError(networkError('ETIMEDOUT', 'connect ETIMEDOUT'), 'pending')).toMatchObject({ code: 'ENGINE_UNREACHABLE', transient: true });
    expect(classifyConnectError(new Error('Command timed out'), 'pending')).toMatchObject({ code: 'ENGINE_TIMEOUT', transient: true });
  });
});
