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
});
