import { describe, expect, it } from 'vitest';
import { alternateUsername, assertUsernameFits, derivedPairs, otherUser, recordedUserPair, userPairOf } from '../../src/alternate-user.js';

const secret = (username: string, fields: Record<string, unknown> = {}) => ({
  username,
  password: 'p',
  masterarn: undefined,
  fields: { username, ...fields },
});

describe('alternate users', () => {
  it('appends _clone, or strips it, as AWS templates do', () => {
    expect(alternateUsername('app')).toBe('app_clone');
    expect(alternateUsername('app_clone')).toBe('app');
    expect(alternateUsername('_clone')).toBe('_clone_clone');
  });

  it('derives the pair from the current user: AWS rule first, and the appended pair for a name ending in _clone', () => {
    expect(derivedPairs('app')).toEqual([{ original: 'app', clone: 'app_clone' }]);
    expect(derivedPairs('app_clone')).toEqual([
      { original: 'app', clone: 'app_clone' },
      { original: 'app_clone', clone: 'app_clone_clone' },
    ]);
    expect(userPairOf(secret('app'))).toEqual({ original: 'app', clone: 'app_clone' });
    expect(userPairOf(secret('app_clone'))).toEqual({ original: 'app', clone: 'app_clone' });
  });

  it('takes the recorded pair only as a choice between the derived ones', () => {
    const current = secret('app_clone', { rotation_users: { original: 'app_clone', clone: 'app_clone_clone' } });

    expect(userPairOf(current)).toEqual({ original: 'app_clone', clone: 'app_clone_clone' });
    expect(otherUser({ original: 'app', clone: 'app_clone' }, 'app_clone')).toBe('app');
  });

  it.each([
    ['names the master as the original', { original: 'admin', clone: 'app' }],
    ['names another account as the clone', { original: 'app', clone: 'victim' }],
    ['does not include the current user', { original: 'other', clone: 'other_clone' }],
  ])('refuses a rotation_users record that %s', (_, record) => {
    expect(() => userPairOf(secret('app', { rotation_users: record }))).toThrow(
      expect.objectContaining({ code: 'RESOURCE_MISMATCH', field: 'rotation_users' }),
    );
  });

  it.each([{ original: 'a' }, { original: 'a', clone: 'a' }, 'a,b', { original: 1, clone: 2 }])(
    'refuses a malformed rotation_users record %j',
    (record) => {
      expect(() => recordedUserPair({ rotation_users: record }, 'AWSCURRENT')).toThrow(
        expect.objectContaining({ code: 'INVALID_SECRET', field: 'rotation_users' }),
      );
    },
  );

  it('measures names the way the engine does', () => {
    const bytes = (name: string) => Buffer.byteLength(name);
    expect(() => assertUsernameFits('é'.repeat(32), 63, bytes)).toThrow(expect.objectContaining({ code: 'USERNAME_TOO_LONG', limit: 63 }));
    expect(() => assertUsernameFits('é'.repeat(31), 63, bytes)).not.toThrow();
  });
});
