import { describe, expect, it } from 'vitest';
import { hostForUri, parseDocumentDbSecret } from '../../src/documentdb-secret.js';

const valid = { engine: 'mongo', host: 'docdb.cluster-abc.us-east-1.docdb.amazonaws.com', username: 'app', password: 'pw' };

describe('DocumentDB secret parsing', () => {
  it('fills in port 27017, dbname admin and TLS on, as AWS documents', () => {
    expect(parseDocumentDbSecret(valid, 'AWSCURRENT')).toMatchObject({
      engine: 'mongo',
      port: 27017,
      dbname: 'admin',
      ssl: true,
      replicaSet: undefined,
      readPreference: undefined,
    });
  });

  it('accepts docdb, the engine name RDS gives DocumentDB, and the replica-set options', () => {
    const secret = parseDocumentDbSecret(
      { ...valid, engine: 'docdb', port: '27018', dbname: 'sales', replicaSet: 'rs0', readPreference: 'secondaryPreferred' },
      'AWSCURRENT',
    );

    expect(secret).toMatchObject({ engine: 'docdb', port: 27018, dbname: 'sales', replicaSet: 'rs0', readPreference: 'secondaryPreferred' });
  });

  it.each([
    [{ engine: 'postgres' }, 'engine'],
    [{ readPreference: 'fastest' }, 'readPreference'],
    [{ replicaSet: 5 }, 'replicaSet'],
    [{ host: 'a.example,b.example' }, 'host'],
    [{ host: 'db.example/admin?authSource=x' }, 'host'],
    [{ host: 'user@db.example' }, 'host'],
    [{ host: 'db.example:27017' }, 'host'],
  ])('refuses %o naming the field %s', (change, field) => {
    expect(() => parseDocumentDbSecret({ ...valid, ...change }, 'AWSPENDING')).toThrow(expect.objectContaining({ code: 'INVALID_SECRET', field }));
  });

  it('accepts IPv4, IPv6 and a trailing dot, and brackets IPv6 for the connection string', () => {
    expect(parseDocumentDbSecret({ ...valid, host: '10.0.0.7' }, 'AWSCURRENT').host).toBe('10.0.0.7');
    expect(parseDocumentDbSecret({ ...valid, host: 'DB.Example.' }, 'AWSCURRENT').host).toBe('DB.Example.');
    expect(hostForUri(parseDocumentDbSecret({ ...valid, host: 'fd00::7' }, 'AWSCURRENT').host)).toBe('[fd00::7]');
    expect(hostForUri('[fd00::7]')).toBe('[fd00::7]');
    expect(hostForUri('db.example')).toBe('db.example');
  });
});
