import { describe, expect, it } from 'vitest';
import { InvalidSecretError } from '../../src/errors.js';
import { JsonLogger, logLevelFromEnv, SanitizingLogger } from '../../src/logger.js';
import { SecretScrubber } from '../../src/secret-scrubber.js';

function capture(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  const scrubber = new SecretScrubber();
  const logger = new SanitizingLogger(new JsonLogger({ level, write: (line) => lines.push(line), keys: { service: 's' } }), scrubber);
  return { lines, scrubber, logger, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('JsonLogger behind SanitizingLogger', () => {
  it('writes one JSON object a line with the appended invocation keys', () => {
    const { lines, logger, parsed } = capture();
    logger.appendKeys({ secretId: 'arn:s', step: 'createSecret' });

    logger.info('hello', { username: 'app' });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(parsed()[0]).toMatchObject({ level: 'INFO', message: 'hello', service: 's', secretId: 'arn:s', step: 'createSecret', username: 'app' });
  });

  it('redacts secret-named keys and remembered values, whatever the caller passes', () => {
    const { logger, scrubber, lines } = capture();
    scrubber.add('Remembered-Value-1');

    logger.info('attempt with Remembered-Value-1', {
      password: 'p1-plain',
      nested: { SecretString: '{"a":1}', list: ['Remembered-Value-1'] },
      connectionString: 'postgres://u:p@h/db',
    });

    const text = lines.join('');
    expect(text).not.toContain('Remembered-Value-1');
    expect(text).not.toContain('p1-plain');
    expect(text).not.toContain('{\\"a\\":1}');
    expect(text).not.toContain('u:p@');
  });

  it('escapes newlines in values so a username cannot forge a log line', () => {
    const { logger, lines } = capture();

    logger.info('user', { username: 'evil\n{"level":"ERROR","message":"forged"}' });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('logs errors as name, code, field and cause messages, scrubbed, without payload properties', () => {
    const { logger, scrubber, parsed } = capture();
    scrubber.add('Leaky-Password-9');
    const driverError = Object.assign(new Error('near "Leaky-Password-9"'), { sql: 'ALTER ... Leaky-Password-9', code: 'ER_PARSE' });
    const error = new InvalidSecretError('Field "port" of the AWSCURRENT secret must be an integer', 'AWSCURRENT', { field: 'port', cause: driverError });

    logger.error('failed', { error });

    const logged = parsed()[0]?.error as Record<string, unknown>;
    expect(logged).toMatchObject({ name: 'InvalidSecretError', code: 'INVALID_SECRET', field: 'port', source: 'AWSCURRENT' });
    expect(JSON.stringify(logged)).not.toContain('Leaky-Password-9');
    expect(JSON.stringify(logged)).not.toContain('sql');
  });

  it('drops debug lines unless the level is debug', () => {
    const quiet = capture('info');
    quiet.logger.debug('hidden');
    const loud = capture('debug');
    loud.logger.debug('shown');

    expect(quiet.lines).toHaveLength(0);
    expect(loud.lines).toHaveLength(1);
  });

  it('reads the level as Powertools does: AWS_LAMBDA_LOG_LEVEL, then POWERTOOLS_LOG_LEVEL, then LOG_LEVEL', () => {
    expect(logLevelFromEnv({ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG' })).toBe('warn');
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFromEnv({ LOG_LEVEL: 'ERROR' })).toBe('error');
    expect(logLevelFromEnv({ POWERTOOLS_LOG_LEVEL: 'nonsense' })).toBe('info');
  });

  it('writes Lambda\'s readable text layout with AWS_LAMBDA_LOG_FORMAT=Text, scrubbed and one line per entry', () => {
    const lines: string[] = [];
    const scrubber = new SecretScrubber();
    scrubber.add('Remembered-Value-2');
    const logger = new SanitizingLogger(
      new JsonLogger({ format: 'text', write: (line) => lines.push(line), keys: { service: 's' }, now: () => new Date('2026-12-01T00:00:00.000Z') }),
      scrubber,
    );
    logger.appendKeys({ function_request_id: 'req-1', step: 'setSecret' });

    logger.info('changed\nthe password Remembered-Value-2', { username: 'app user' });

    expect(lines).toEqual([`2026-12-01T00:00:00.000Z\treq-1\tINFO\tchanged\\nthe password [REDACTED]\tservice=s step=setSecret username="app user"\n`]);
  });
});
