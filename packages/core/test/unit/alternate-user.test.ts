import { describe, expect, it } from 'vitest';
import { alternateUsername, assertUsernameFits, otherUser, recordedUserPair, userPairOf } from '../../src/alternate-user.js';

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

  it('derives the pair from the current user on the first rotation', () => {
    expect(userPairOf(secret('app'))).toEqual({ pair: { original: 'app', clone: 'app_clone' }, recorded: false });
  });

  it('uses the recorded pair on later rotations', () => {
    const current = secret('app_clone', { rotation_users: { original: 'app', clone: 'app_clone' } });

    expect(userPairOf(current)).toEqual({ pair: { original: 'app', clone: 'app_clone' }, recorded: true });
    expect(otherUser({ original: 'app', clone: 'app_clone' }, 'app_clone')).toBe('app');
  });

  it('refuses a recorded pair that does not include the current user', () => {
    const current = secret('intruder', { rotation_users: { original: 'app', clone: 'app_clone' } });

    expect(() => userPairOf(current)).toThrow(expect.objectContaining({ code: 'RESOURCE_MISMATCH', field: 'username' }));
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
