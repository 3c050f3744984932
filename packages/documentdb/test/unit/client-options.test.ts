import { describe, expect, it } from 'vitest';
import { clientSpec, SELECTION_GRACE_MS } from '../../src/client-options.js';
import { parseDocumentDbSecret } from '../../src/documentdb-secret.js';

const secret = (extra: Record<string, unknown> = {}) =>
  parseDocumentDbSecret({ engine: 'docdb', host: 'db.example', port: 27017, username: 'u', password: 'p', ...extra }, 'AWSCURRENT');
const settings = { connectTimeoutMs: 4_000, statementTimeoutMs: 9_000, ca: ['PEM'] };
const login = { username: 'm', password: 'mp', authSource: 'admin' };

describe('DocumentDB client options', () => {
  it('opens one direct, non-retrying connection with a polling monitor and short timeouts', () => {
    const { uri, options } = clientSpec(secret(), login, settings);

    expect(uri).toBe('mongodb://db.example:27017/');
    expect(options).toMatchObject({
      auth: { username: 'm', password: 'mp' },
      authSource: 'admin',
      directConnection: true,
      retryWrites: false,
      retryReads: false,
      maxPoolSize: 1,
      serverMonitoringMode: 'poll',
      connectTimeoutMS: 4_000,
      serverSelectionTimeoutMS: 4_000 + SELECTION_GRACE_MS,
      socketTimeoutMS: 9_000,
    });
  });

  it('verifies TLS against the given CAs and never relaxes verification', () => {
    const { options } = clientSpec(secret(), login, settings);

    expect(options).toMatchObject({ tls: true, ca: ['PEM'] });
    expect(options).not.toHaveProperty('tlsAllowInvalidCertificates');
    expect(options).not.toHaveProperty('tlsAllowInvalidHostnames');
    expect(options).not.toHaveProperty('tlsInsecure');
  });

  it('uses Node default roots when no extra CA file is set, and plaintext only when ssl is false', () => {
    expect(clientSpec(secret(), login, { ...settings, ca: undefined }).options).not.toHaveProperty('ca');
    const plain = clientSpec(secret({ ssl: false }), login, settings).options;
    expect(plain.tls).toBe(false);
    expect(plain).not.toHaveProperty('ca');
  });

  it('passes replicaSet and readPreference through, still connecting to the one host', () => {
    const { options } = clientSpec(secret({ replicaSet: 'rs0', readPreference: 'secondaryPreferred' }), login, settings);

    expect(options).toMatchObject({ replicaSet: 'rs0', readPreference: 'secondaryPreferred', directConnection: true });
  });

  it('keeps credentials out of the connection string', () => {
    const { uri } = clientSpec(secret(), { username: 'a@b', password: 'p:w/x', authSource: 'sales' }, settings);

    expect(uri).not.toContain('a@b');
    expect(uri).not.toContain('p:w');
  });
});
