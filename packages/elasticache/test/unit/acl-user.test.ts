import { describe, expect, it } from 'vitest';
import { cloneRules, parseAclUser, passwordHash, passwordRules, quoteSelectorToken, selectorRule } from '../../src/acl-user.js';

/** ACL GETUSER of Redis 7.0 (RESP2): flat key/value arrays, rules as space-separated strings, selectors. */
const REDIS_7_REPLY = [
  'flags', ['on', 'skip-sanitize-payload'],
  'passwords', ['aa'.repeat(32)],
  'commands', '-@all +get +config|get',
  'keys', `%R~reports:* ~it's"q %W~ingest:*`,
  'channels', '&news:*',
  'selectors', [['commands', '-@all +set', 'keys', '~sel"q', 'channels', '']],
];

/** ACL GETUSER of Redis 6.2: patterns and channels as lists of bare patterns, no selectors. */
const REDIS_6_REPLY = [
  'flags', ['on', 'allchannels', 'sanitize-payload'],
  'passwords', [],
  'commands', '+@all -debug',
  'keys', ['app:*', 'it\'s'],
  'channels', ['*'],
];

describe('ACL GETUSER parsing', () => {
  it('reads Redis 7 rules as tokens ACL SETUSER takes back', () => {
    expect(parseAclUser(REDIS_7_REPLY)).toEqual({
      flags: ['on', 'skip-sanitize-payload'],
      passwords: ['aa'.repeat(32)],
      commands: ['-@all', '+get', '+config|get'],
      keys: ['%R~reports:*', `~it's"q`, '%W~ingest:*'],
      channels: ['&news:*'],
      selectors: [{ commands: ['-@all', '+set'], keys: ['~sel"q'], channels: [] }],
    });
  });

  it('reads Redis 6 lists of bare patterns with their rule prefixes and no selectors', () => {
    expect(parseAclUser(REDIS_6_REPLY)).toMatchObject({
      keys: ['~app:*', "~it's"],
      channels: ['&*'],
      selectors: undefined,
    });
    expect(parseAclUser(['flags', ['on'], 'passwords', [], 'commands', '+@all', 'keys', []])?.channels).toBeUndefined();
  });

  it('answers undefined for a missing user and throws on a reply of another shape', () => {
    expect(parseAclUser(null)).toBeUndefined();
    expect(() => parseAclUser(['flags'])).toThrow(/unexpected shape/);
    expect(() => parseAclUser('OK')).toThrow(/unexpected shape/);
    expect(() => parseAclUser(['flags', [], 'passwords', []])).toThrow(/unexpected shape/);
  });
});

describe('clone rules', () => {
  it('resets each part, copies every privilege, enables the clone and adds only its own passwords', () => {
    const original = parseAclUser(REDIS_7_REPLY);
    if (original === undefined) throw new Error('parse failed');

    expect(cloneRules(original, ['bb'.repeat(32)])).toEqual([
      'resetpass',
      'resetkeys',
      'resetchannels',
      'clearselectors',
      '-@all',
      'skip-sanitize-payload',
      'on',
      `#${'bb'.repeat(32)}`,
      '-@all',
      '+get',
      '+config|get',
      '%R~reports:*',
      `~it's"q`,
      '%W~ingest:*',
      '&news:*',
      '("-@all" "+set" "~sel\\"q" "resetchannels")',
    ]);
  });

  it('never copies nopass or off, and never uses reset, which would add sanitize-payload', () => {
    const original = parseAclUser(['flags', ['off', 'nopass'], 'passwords', [], 'commands', '+@all', 'keys', '~*', 'channels', '&*', 'selectors', []]);
    if (original === undefined) throw new Error('parse failed');

    const rules = cloneRules(original, []);

    expect(rules).not.toContain('nopass');
    expect(rules).not.toContain('off');
    expect(rules).not.toContain('reset');
    expect(rules).toContain('on');
  });

  it('leaves out resetchannels and clearselectors for servers without channels or selectors', () => {
    const original = parseAclUser(['flags', ['on'], 'passwords', [], 'commands', '+@all', 'keys', ['*']]);
    if (original === undefined) throw new Error('parse failed');

    expect(cloneRules(original, [])).toEqual(['resetpass', 'resetkeys', '-@all', 'on', '+@all', '~*']);
  });

  it('quotes selector tokens the way sdssplitargs reads them back', () => {
    expect(quoteSelectorToken('~a"b')).toBe('"~a\\"b"');
    expect(quoteSelectorToken("~it's")).toBe(`"~it's"`);
    expect(quoteSelectorToken('~back\\slash')).toBe('"~back\\\\slash"');
    expect(selectorRule({ commands: ['+get'], keys: ['~x)'], channels: ['&c'] })).toBe('("+get" "~x)" "resetchannels" "&c")');
  });

  it('sets passwords by SHA-256 digest so no password text reaches the ACL', () => {
    expect(passwordHash('password')).toBe('5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8');
    expect(passwordRules([passwordHash('nopass ~* +@all')], true)).toEqual([
      'on',
      'resetpass',
      `#${passwordHash('nopass ~* +@all')}`,
    ]);
  });
});
