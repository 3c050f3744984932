import { describe, expect, it } from 'vitest';
import { parseDatabaseSecret } from '../../src/database-secret.js';
import { normalizeHost, parseSecretJson, readPort, readSsl } from '../../src/secret-fields.js';

const SHAPE = { engines: ['postgres', 'aurora-postgresql'], defaultPort: 5432, defaultDbname: 'postgres' };

describe('secret fields', () => {
  it('parses a complete database secret and applies defaults', () => {
    const secret = parseDatabaseSecret({ engine: 'postgres', host: 'db', username: 'u', password: 'p' }, 'AWSCURRENT', SHAPE);

    expect(secret).toMatchObject({ engine: 'postgres', host: 'db', port: 5432, dbname: 'postgres', ssl: true, masterarn: undefined });
  });

  it('does not quote the secret in the error for malformed JSON', () => {
    const value = '{"password":"Top-Secret-77",';
    try {
      parseSecretJson(value, 'AWSCURRENT');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_SECRET', source: 'AWSCURRENT' });
      expect((error as Error).message).not.toContain('Top-Secret');
      expect((error as Error).cause).toBeUndefined();
    }
  });

  it.each([
    [{ port: '5433' }, 5433],
    [{ port: 6000 }, 6000],
    [{ port: null }, 5432],
  ])('reads port %j as %d', (json, port) => {
    expect(readPort(json, 'AWSCURRENT', 5432)).toBe(port);
  });

  it.each([{ port: 0 }, { port: 65536 }, { port: '54x' }, { port: 1.5 }, { port: true }])('refuses port %j', (json) => {
    expect(() => readPort(json, 'AWSCURRENT', 5432)).toThrow(expect.objectContaining({ field: 'port' }));
  });

  it.each([
    [{}, true],
    [{ ssl: true }, true],
    [{ ssl: false }, false],
    [{ ssl: 'FALSE' }, false],
    [{ ssl: 'true' }, true],
  ])('reads ssl %j as %s (absent means TLS)', (json, ssl) => {
    expect(readSsl(json, 'AWSCURRENT')).toBe(ssl);
  });

  it.each([{ ssl: 1 }, { ssl: 'yes' }, { ssl: {} }])('refuses ssl %j rather than guessing', (json) => {
    expect(() => readSsl(json, 'AWSCURRENT')).toThrow(expect.objectContaining({ field: 'ssl' }));
  });

  it('refuses NUL characters in names', () => {
    expect(() => parseDatabaseSecret({ engine: 'postgres', host: 'db', username: 'a\u0000b', password: 'p' }, 'AWSPENDING', SHAPE)).toThrow(
      expect.objectContaining({ field: 'username', source: 'AWSPENDING' }),
    );
  });

  it('compares hosts without case or a trailing dot', () => {
    expect(normalizeHost('DB.Example.COM.')).toBe(normalizeHost('db.example.com'));
  });
});
