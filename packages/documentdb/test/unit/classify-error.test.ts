import { EngineBusyError } from '@rotation-lambdas/core';
import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classifyConnectError, operationError } from '../../src/classify-error.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const network = (message: string, code: string) => new MongoNetworkError(message, { cause: withCode(message, code) });
const server = (code: number, labels: string[] = []) => {
  const error = new MongoServerError({ message: 'server said no', code, ok: 0 });
  for (const label of labels) error.addErrorLabel(label);
  return error;
};

describe('DocumentDB error classification', () => {
  it.each([
    ['an authentication failure', server(18, ['HandshakeError']), 'ENGINE_AUTH'],
    ['an unknown user', server(11), 'ENGINE_AUTH'],
    ['a login to a database the server cannot hold', server(73, ['HandshakeError']), 'ENGINE_AUTH'],
    ['a refused connection', network('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'), 'ENGINE_UNREACHABLE'],
    ['a host that does not resolve', network('getaddrinfo ENOTFOUND db.invalid', 'ENOTFOUND'), 'ENGINE_UNREACHABLE'],
    ['an untrusted certificate', network('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'ENGINE_TLS'],
    ['a self-signed certificate', network('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'ENGINE_TLS'],
    ['a certificate for another host', network("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'ENGINE_TLS'],
    [
      'a server that closes on a TLS hello',
      network('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'),
      'ENGINE_TLS',
    ],
  ])('maps %s at login to %s', (_, error, expected) => {
    expect(classifyConnectError(error, 'current')).toMatchObject({ code: expected, login: 'current', engine: 'documentdb', cause: error });
  });

  it('looks behind a server-selection timeout at the error the monitor saw', () => {
    const monitorSaw = network('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const description = { servers: new Map([['db:27017', { error: monitorSaw }]]) } as unknown as TopologyDescription;

    expect(classifyConnectError(new MongoServerSelectionError('timed out', description), 'pending').code).toBe('ENGINE_TLS');
  });

  it('calls a stalled TLS handshake a TLS failure, and a plain timeout unreachable', () => {
    const timeout = new MongoNetworkTimeoutError("Socket 'secureConnect' timed out after 5000ms");

    expect(classifyConnectError(timeout, 'current', true).code).toBe('ENGINE_TLS');
    expect(classifyConnectError(timeout, 'current', false).code).toBe('ENGINE_UNREACHABLE');
  });

  it.each([
    ['a refused command', server(13), 'ENGINE_OPERATION'],
    ['a server-side time limit', server(50), 'ENGINE_TIMEOUT'],
    ['no answer within the socket timeout', new MongoNetworkTimeoutError('connection timed out'), 'ENGINE_TIMEOUT'],
    ['a connection lost mid-command', new MongoNetworkError('connection closed'), 'ENGINE_UNREACHABLE'],
    ['a malformed reply', new TypeError('usersInfo reply has no users array'), 'ENGINE_OPERATION'],
  ])('maps %s to %s, naming the operation and no value', (_, error, expected) => {
    const mapped = operationError('clone creation', 'master', error);

    expect(mapped.code).toBe(expected);
    expect(mapped.message).toMatch(/^(DocumentDB clone creation|Connection lost during the DocumentDB clone creation)/);
    expect(mapped.message).not.toContain(error.message);
    expect(mapped.cause).toBe(error);
  });

  /**
   * What mongodb 7.9 raised against a listener that accepts and closes, which is what mongod does at
   * maxIncomingConnections ("connection refused because too many open connections", no reply): the monitor's
   * network error inside the server-selection error, and the heartbeat failure the adapter races it with.
   */
  function closedDuringHandshake(): MongoServerSelectionError {
    const closed = new MongoNetworkError('connection <monitor> to 127.0.0.1:33921 closed');
    for (const label of ['HandshakeError', 'SystemOverloadedError', 'RetryableError', 'ResetPool']) closed.addErrorLabel(label);
    const description = { servers: new Map([['127.0.0.1:33921', { error: closed }]]) } as unknown as TopologyDescription;
    return Object.assign(new MongoServerSelectionError(closed.message, description), { cause: closed });
  }

  it.each([
    ['the server-selection error', closedDuringHandshake()],
    ['the heartbeat failure', withCode('This socket has been ended by the other party', 'EPIPE')],
  ])('marks a connection closed before the login completed (%s) as transient, keeping ENGINE_UNREACHABLE', (_, error) => {
    const mapped = classifyConnectError(error, 'current');

    expect(mapped.transient).toBe(true);
    expect(mapped).toMatchObject({ code: 'ENGINE_UNREACHABLE', login: 'current', engine: 'documentdb' });
  });

  it('marks a login that ran out of time against a server that was there as transient, a refused one not', () => {
    const slow = new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27017 timed out');
    const refusedThenTimedOut = Object.assign(new MongoNetworkTimeoutError('timed out'), { cause: network('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED') });

    expect(classifyConnectError(slow, 'current', false)).toMatchObject({ code: 'ENGINE_UNREACHABLE', transient: true });
    expect(classifyConnectError(refusedThenTimedOut, 'current', false).transient).toBe(false);
  });

  it('keeps a refused connection unreachable, though the driver labels it SystemOverloadedError too', () => {
    const refused = network('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED');
    refused.addErrorLabel('SystemOverloadedError');

    const mapped = classifyConnectError(refused, 'current');

    expect(mapped.code).toBe('ENGINE_UNREACHABLE');
    expect(mapped.transient).toBe(false);
  });

  it('maps a server that answers it is overloaded to ENGINE_BUSY, at login and mid-command', () => {
    // MongoDB's admission control answers with this label (IngressRequestRateLimitExceeded, code 462); no server here sends it.
    const overloaded = server(462, ['SystemOverloadedError', 'RetryableError']);

    expect(classifyConnectError(overloaded, 'pending')).toBeInstanceOf(EngineBusyError);
    expect(operationError('clone creation', 'master', overloaded).code).toBe('ENGINE_BUSY');
  });
});
