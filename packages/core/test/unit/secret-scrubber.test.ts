import { describe, expect, it } from 'vitest';
import { SecretScrubber } from '../../src/secret-scrubber.js';

describe('SecretScrubber', () => {
  it('removes a remembered secret wherever it appears', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('s3cr3t-p@ss');

    expect(scrubber.scrub('login with s3cr3t-p@ss failed; retry s3cr3t-p@ss')).toBe('login with [REDACTED] failed; retry [REDACTED]');
  });

  it('removes the JSON-escaped and SQL-quoted forms of a secret', () => {
    const scrubber = new SecretScrubber();
    const password = `a'b"c\\d`;
    scrubber.add(password);

    expect(scrubber.scrub(JSON.stringify({ password }))).not.toContain('b\\"c');
    expect(scrubber.scrub(`PASSWORD 'a''b"c\\d'`)).toBe(`PASSWORD '[REDACTED]'`);
    expect(scrubber.scrub(`IDENTIFIED BY 'a\\'b\\"c\\\\d'`)).toBe(`IDENTIFIED BY '[REDACTED]'`);
  });

  it('removes the password of any URL and key=value connection string, remembered or not', () => {
    const scrubber = new SecretScrubber();

    expect(scrubber.scrub('postgres://app:Xy9z@db:5432/x')).toBe('postgres://app:[REDACTED]@db:5432/x');
    expect(scrubber.scrub('host=db user=app password=Xy9z dbname=x')).toBe('host=db user=app password=[REDACTED] dbname=x');
  });

  it('replaces a whole remembered secret string before the password inside it', () => {
    const scrubber = new SecretScrubber();
    const secretString = '{"username":"app","password":"pw-123456"}';
    scrubber.add('pw-123456');
    scrubber.add(secretString);

    expect(scrubber.scrub(`value ${secretString}`)).toBe('value [REDACTED]');
  });

  it('ignores empty and non-string values', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('');
    scrubber.add(undefined);
    scrubber.add(42);

    expect(scrubber.scrub('nothing to hide')).toBe('nothing to hide');
  });
});

describe('SecretScrubber.addSecretString', () => {
  it('remembers the password inside a secret string as well as the whole string', () => {
    const scrubber = new SecretScrubber();
    scrubber.addSecretString('{"username":"app","password":"Inner-Pass-42","host":"db"}');

    expect(scrubber.scrub('driver said: near Inner-Pass-42')).toBe('driver said: near [REDACTED]');
    expect(scrubber.scrub('user app on db')).toBe('user app on db');
  });
});
