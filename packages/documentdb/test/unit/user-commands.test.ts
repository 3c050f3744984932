import { describe, expect, it } from 'vitest';
import {
  createUserCommand,
  isRotationMarker,
  roleSyncCommands,
  rotationMarker,
  setPasswordCommand,
  userFromReply,
  usersInfoCommand,
} from '../../src/user-commands.js';

const read = { role: 'read', db: 'sales' };
const readWrite = { role: 'readWrite', db: 'sales' };
const reporter = { role: 'reporter', db: 'admin' };

describe('user commands (documentdb)', () => {
  it('creates the clone with the original roles and the marker as BSON fields, hostile name and all', () => {
    const name = 'x"; db.dropUser("a"); //.$ünï_clone';

    expect(createUserCommand(name, 'pw', [read, reporter], rotationMarker('orig.$'))).toEqual({
      createUser: name,
      pwd: 'pw',
      roles: [read, reporter],
      customData: { createdBy: 'rotation-lambdas', alternateOf: 'orig.$' },
    });
  });

  it('creates the clone without customData when no marker is given (servers that keep none)', () => {
    expect(createUserCommand('c', 'pw', [], undefined)).toEqual({ createUser: 'c', pwd: 'pw', roles: [] });
  });

  it('sets only the password with updateUser', () => {
    expect(setPasswordCommand('u', 'pw')).toEqual({ updateUser: 'u', pwd: 'pw' });
  });

  it('asks usersInfo for the user of one database', () => {
    expect(usersInfoCommand('a.b', 'sales')).toEqual({ usersInfo: { user: 'a.b', db: 'sales' } });
  });

  it('grants the missing roles and revokes the extra ones', () => {
    expect(roleSyncCommands('c', [read, reporter], [readWrite, read])).toEqual([
      { grantRolesToUser: 'c', roles: [reporter] },
      { revokeRolesFromUser: 'c', roles: [readWrite] },
    ]);
  });

  it('sends no role command when the roles are already equal, in any order', () => {
    expect(roleSyncCommands('c', [read, reporter], [reporter, read])).toEqual([]);
    expect(roleSyncCommands('c', [], [])).toEqual([]);
  });

  it('tells roles of the same name in different databases apart', () => {
    expect(roleSyncCommands('c', [{ role: 'read', db: 'a' }], [{ role: 'read', db: 'b' }])).toEqual([
      { grantRolesToUser: 'c', roles: [{ role: 'read', db: 'a' }] },
      { revokeRolesFromUser: 'c', roles: [{ role: 'read', db: 'b' }] },
    ]);
  });

  it('recognises only its own marker', () => {
    expect(isRotationMarker(rotationMarker('u'))).toBe(true);
    expect(isRotationMarker({ createdBy: 'someone else' })).toBe(false);
    expect(isRotationMarker(undefined)).toBe(false);
  });

  it('reads the user of the asked database from a usersInfo reply', () => {
    const reply = {
      users: [
        { user: 'u', db: 'admin', roles: [reporter] },
        { user: 'u', db: 'sales', roles: [read], customData: rotationMarker('o') },
      ],
      ok: 1,
    };

    expect(userFromReply(reply, 'u', 'sales')).toEqual({ user: 'u', db: 'sales', roles: [read], customData: rotationMarker('o') });
    expect(userFromReply(reply, 'v', 'sales')).toBeUndefined();
  });

  it('reads a user without roles or customData as having none (FerretDB 1.x)', () => {
    expect(userFromReply({ users: [{ user: 'u', db: 'admin' }] }, 'u', 'admin')).toEqual({
      user: 'u',
      db: 'admin',
      roles: [],
      customData: undefined,
    });
  });

  it('rejects a malformed reply instead of guessing', () => {
    expect(() => userFromReply({ ok: 1 }, 'u', 'admin')).toThrow(TypeError);
    expect(() => userFromReply({ users: [{ user: 'u', db: 'admin', roles: [{ role: 'read' }] }] }, 'u', 'admin')).toThrow(TypeError);
  });
});
