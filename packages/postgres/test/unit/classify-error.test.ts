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
});
