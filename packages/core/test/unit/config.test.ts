import { describe, expect, it } from 'vitest';
import { readRotationConfig } from '../../src/config.js';

const DEFAULTS = { excludeCharacters: ':/@"\'\\', passwordLength: 32 };

describe('readRotationConfig', () => {
  it('uses the engine defaults and AWS defaults when nothing is set', () => {
    const config = readRotationConfig({}, DEFAULTS);

    expect(config.password).toEqual({
      length: 32,
      excludeCharacters: ':/@"\'\\',
      excludeNumbers: false,
      excludePunctuation: false,
      excludeUppercase: false,
      excludeLowercase: false,
      requireEachIncludedType: true,
    });
    expect(config.secretsManagerEndpoint).toBeUndefined();
    expect(config.adoptExistingUser).toBe(false);
    expect(config.connectTimeoutMs).toBe(5000);
    expect(config.logLevel).toBe('info');
  });

  it('reads every password variable AWS templates read', () => {
    const config = readRotationConfig(
      {
        PASSWORD_LENGTH: '40',
        EXCLUDE_CHARACTERS: '',
        EXCLUDE_NUMBERS: 'yes',
        EXCLUDE_PUNCTUATION: 'TRUE',
        EXCLUDE_UPPERCASE: '1',
        EXCLUDE_LOWERCASE: 'n',
        REQUIRE_EACH_INCLUDED_TYPE: 'false',
      },
      DEFAULTS,
    );

    expect(config.password).toEqual({
      length: 40,
      excludeCharacters: '',
      excludeNumbers: true,
      excludePunctuation: true,
      excludeUppercase: true,
      excludeLowercase: false,
      requireEachIncludedType: false,
    });
  });

  it.each([
    ['PASSWORD_LENGTH', 'abc'],
    ['PASSWORD_LENGTH', '4'],
    ['PASSWORD_LENGTH', '5000'],
    ['EXCLUDE_NUMBERS', 'maybe'],
    ['REQUIRE_EACH_INCLUDED_TYPE', 'on'],
    ['ADOPT_EXISTING_USER', 'sure'],
    ['USERNAME_CHARACTER_LIMIT', '0'],
    ['CONNECT_TIMEOUT_SECONDS', '600'],
    ['SECRETS_MANAGER_ENDPOINT', 'not a url'],
    ['SECRETS_MANAGER_ENDPOINT', 'ftp://example.com'],
  ])('throws a ConfigurationError naming %s when it is %j', (field, value) => {
    expect(() => readRotationConfig({ [field]: value }, DEFAULTS)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION', field }),
    );
  });

  it('refuses a policy that excludes every character type', () => {
    const env = { EXCLUDE_NUMBERS: 'true', EXCLUDE_PUNCTUATION: 'true', EXCLUDE_UPPERCASE: 'true', EXCLUDE_LOWERCASE: 'true' };
    expect(() => readRotationConfig(env, DEFAULTS)).toThrow(expect.objectContaining({ code: 'CONFIGURATION' }));
  });

  it('maps AWS_LAMBDA_LOG_LEVEL to the logger level', () => {
    expect(readRotationConfig({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, DEFAULTS).logLevel).toBe('debug');
    expect(readRotationConfig({ AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, DEFAULTS).logLevel).toBe('error');
  });

  it('never puts the offending value in the error message', () => {
    const secretLooking = 'hunter2-hunter2';
    try {
      readRotationConfig({ PASSWORD_LENGTH: secretLooking }, DEFAULTS);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(secretLooking);
    }
  });
});
