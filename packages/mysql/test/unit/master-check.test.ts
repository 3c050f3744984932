import { describe, expect, it } from 'vitest';
import { missingMasterPrivileges } from '../../src/master-check.js';
import { type AccountPrivileges, addPrivilege, emptyPrivileges, type Level, roleKey } from '../../src/privileges.js';

const table: Level = { kind: 'table', database: 'app', table: 't' };

function master(grantOption: boolean, ...privileges: string[]): AccountPrivileges {
  const set = emptyPrivileges();
  for (const privilege of ['CREATE USER', 'SELECT', ...privileges]) addPrivilege(set, { kind: 'global' }, privilege, grantOption);
  return set;
}

describe('master privilege check', () => {
  it('accepts grants the master holds at the same level or above, WITH GRANT OPTION', () => {
    const original = emptyPrivileges();
    addPrivilege(original, { kind: 'database', database: 'app' }, 'INSERT', true);
    addPrivilege(original, table, 'UPDATE', false, 'c');
    const onDatabase = master(false);
    addPrivilege(onDatabase, { kind: 'database', database: 'app' }, 'INSERT', true);
    addPrivilege(onDatabase, { kind: 'database', database: 'app' }, 'UPDATE', true);

    expect(missingMasterPrivileges(master(true, 'INSERT', 'UPDATE'), [original], 'mariadb')).toEqual([]);
    expect(missingMasterPrivileges(onDatabase, [original], 'mariadb')).toEqual([]);
  });

  it('names what is held without grant option or not at all, never the objects', () => {
    const original = emptyPrivileges();
    addPrivilege(original, table, 'DELETE', false);
    addPrivilege(original, { kind: 'global' }, 'PROCESS', false);
    original.dynamic.set('BACKUP_ADMIN', false);

    expect(missingMasterPrivileges(master(false, 'DELETE'), [original], 'mysql')).toEqual([
      'BACKUP_ADMIN WITH GRANT OPTION',
      'DELETE WITH GRANT OPTION (the original holds it on a table)',
      'PROCESS WITH GRANT OPTION (the original holds it globally)',
    ]);
  });

  it('asks for CREATE USER and read access to the grant tables', () => {
    expect(missingMasterPrivileges(emptyPrivileges(), [], 'mysql')).toEqual(['CREATE USER', 'SELECT on the mysql schema']);
  });

  it('accepts roles through ROLE_ADMIN on MySQL 8 and through ADMIN OPTION on MariaDB', () => {
    const role = { name: 'reader', host: '%' };
    const original = emptyPrivileges();
    original.roles.set(roleKey(role), { role, admin: false });
    const withRoleAdmin = master(true);
    withRoleAdmin.dynamic.set('ROLE_ADMIN', false);
    const mariadbRole = { name: 'reader', host: undefined };
    const mariadbOriginal = emptyPrivileges();
    mariadbOriginal.roles.set(roleKey(mariadbRole), { role: mariadbRole, admin: false });
    const withAdmin = master(true);
    withAdmin.roles.set(roleKey(mariadbRole), { role: mariadbRole, admin: true });

    expect(missingMasterPrivileges(withRoleAdmin, [original], 'mysql')).toEqual([]);
    expect(missingMasterPrivileges(master(true), [original], 'mysql')).toEqual(["ROLE_ADMIN, or ADMIN OPTION on each of the original's roles"]);
    expect(missingMasterPrivileges(withAdmin, [mariadbOriginal], 'mariadb')).toEqual([]);
  });
});
