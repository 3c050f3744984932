import { describe, expect, it } from 'vitest';
import {
  createUserCommand,
  roleSyncCommands,
  setPasswordCommand,
  userFromReply,
  usersInfoCommand,
} from '../../src/user-commands.js';

const read = { role: 'read', db: 'sales' };
const readWrite = { role: 'readWrite', db: 'sales' };
const reporter = { role: 'reporter', db: 'admin' };

describe('user commands (documentdb)', () => {
  it('creates the clone with the original roles as BSON fields, hostile name and all, and no customData', () => {
    const name = 'x"; db.dropUser("a"); //.$ünï_clone';

    expect(createUserCommand(name, 'pw', [read, reporter])).toEqual({ createUser: name, pwd: 'pw', roles: [read, reporter] });
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

  it('reads the user of the asked database from a usersInfo reply', () => {
    const reply = {
      users: [
        { user: 'u', db: 'admin', roles: [reporter] },
        { user: 'u', db: 'sales', roles: [read], customData: { createdBy: 'rotation-lambdas' }, mechanisms: ['SCRAM-SHA-256'] },
      ],
      ok: 1,
    };

    expect(userFromReply(reply, 'u', 'sales')).toEqual({ user: 'u', db: 'sales', roles: [read], mechanisms: ['SCRAM-SHA-256'] });
    expect(userFromReply(reply, 'v', 'sales')).toBeUndefined();
  });

  it('reads a user without roles as having none (FerretDB 1.x)', () => {
    expect(userFromReply({ users: [{ user: 'u', db: 'admin' }] }, 'u', 'admin')).toEqual({ user: 'u', db: 'admin', roles: [], mechanisms: [] });
  });

  it('rejects a malformed reply instead of guessing', () => {
    expect(() => userFromReply({ ok: 1 }, 'u', 'admin')).toThrow(TypeError);
    expect(() => userFromReply({ users: [{ user: 'u', db: 'admin', roles: [{ role: 'read' }] }] }, 'u', 'admin')).toThrow(TypeError);
  });
});
