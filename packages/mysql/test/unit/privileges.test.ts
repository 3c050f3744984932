import { describe, expect, it } from 'vitest';
import {
  type AccountPrivileges,
  addPrivilege,
  emptyPrivileges,
  type Level,
  privilegeStatements,
  proxyStatements,
  roleKey,
  roleStatements,
} from '../../src/privileges.js';

const clone = { user: "app'_clone", host: '10.0.%' };
const target = `'app\\'_clone'@'10.0.%'`;
const hostileDb: Level = { kind: 'database', database: 'we TO ird`db' };
const hostileTable: Level = { kind: 'table', database: 'we TO ird`db', table: 't TO 1' };
const sql = (statements: readonly { sql: string }[]) => statements.map((statement) => statement.sql);

function privileges(build: (set: AccountPrivileges) => void): AccountPrivileges {
  const set = emptyPrivileges();
  build(set);
  return set;
}

describe('privilege sync statements', () => {
  it('grants what the clone lacks on names holding " TO " and backticks, quoting them as identifiers', () => {
    const want = privileges((set) => {
      addPrivilege(set, hostileDb, 'SELECT', false);
      addPrivilege(set, hostileDb, 'INSERT', false);
      addPrivilege(set, hostileTable, 'UPDATE', false, 'b`c');
      addPrivilege(set, { kind: 'database', database: 'app\\_%' }, 'SELECT', false);
    });

    expect(sql(privilegeStatements(clone, want, emptyPrivileges()))).toEqual([
      `GRANT SELECT ON \`app\\_%\`.* TO ${target}`,
      `GRANT INSERT, SELECT ON \`we TO ird\`\`db\`.* TO ${target}`,
      `GRANT UPDATE (\`b\`\`c\`) ON \`we TO ird\`\`db\`.\`t TO 1\` TO ${target}`,
    ]);
  });

  it('revokes what the original does not have before granting anything', () => {
    const want = privileges((set) => addPrivilege(set, { kind: 'global' }, 'PROCESS', false));
    const have = privileges((set) => {
      addPrivilege(set, { kind: 'global' }, 'RELOAD', false);
      addPrivilege(set, hostileTable, 'SELECT', false, 'a');
      addPrivilege(set, hostileTable, 'SELECT', false);
    });

    expect(sql(privilegeStatements(clone, want, have))).toEqual([
      `REVOKE SELECT, SELECT (\`a\`) ON \`we TO ird\`\`db\`.\`t TO 1\` FROM ${target}`,
      `REVOKE RELOAD ON *.* FROM ${target}`,
      `GRANT PROCESS ON *.* TO ${target}`,
    ]);
  });

  it('keeps WITH GRANT OPTION per level, adding or revoking only the option when only it differs', () => {
    const want = privileges((set) => {
      addPrivilege(set, hostileDb, 'SELECT', true);
      addPrivilege(set, { kind: 'database', database: 'only_option' }, 'USAGE', true);
    });
    const have = privileges((set) => {
      addPrivilege(set, hostileDb, 'SELECT', false);
      addPrivilege(set, { kind: 'global' }, 'USAGE', true);
    });

    expect(sql(privilegeStatements(clone, want, have))).toEqual([
      `REVOKE GRANT OPTION ON *.* FROM ${target}`,
      `GRANT USAGE ON \`only_option\`.* TO ${target} WITH GRANT OPTION`,
      `GRANT SELECT ON \`we TO ird\`\`db\`.* TO ${target} WITH GRANT OPTION`,
    ]);
  });

  it('grants routine privileges by routine type and skips grants on objects that were dropped', () => {
    const routine: Level = { kind: 'routine', database: 'db', routine: 'p TO`x', routineType: 'PROCEDURE' };
    const want = privileges((set) => {
      addPrivilege(set, routine, 'Execute', false);
      addPrivilege(set, routine, 'USAGE', true);
      addPrivilege(set, hostileTable, 'SELECT', false);
    });

    const statements = privilegeStatements(clone, want, emptyPrivileges());

    expect(statements).toEqual([
      { sql: `GRANT EXECUTE ON PROCEDURE \`db\`.\`p TO\`\`x\` TO ${target} WITH GRANT OPTION`, skipOn: [1305] },
      { sql: `GRANT SELECT ON \`we TO ird\`\`db\`.\`t TO 1\` TO ${target}`, skipOn: [1146, 1054] },
    ]);
  });

  it('syncs MySQL 8 dynamic privileges, each with its own grant option', () => {
    const want = emptyPrivileges();
    want.dynamic.set('BACKUP_ADMIN', true);
    want.dynamic.set('XA_RECOVER_ADMIN', false);
    const have = emptyPrivileges();
    have.dynamic.set('XA_RECOVER_ADMIN', true);
    have.dynamic.set('FLUSH_TABLES', false);

    expect(sql(privilegeStatements(clone, want, have))).toEqual([
      `REVOKE FLUSH_TABLES ON *.* FROM ${target}`,
      `REVOKE XA_RECOVER_ADMIN ON *.* FROM ${target}`,
      `GRANT BACKUP_ADMIN ON *.* TO ${target} WITH GRANT OPTION`,
      `GRANT XA_RECOVER_ADMIN ON *.* TO ${target}`,
    ]);
  });

  it('refuses a privilege name that is not a keyword rather than put it into SQL', () => {
    expect(() => addPrivilege(emptyPrivileges(), { kind: 'global' }, 'SELECT; DROP USER x', false)).toThrow(/not a keyword/);
  });

  it('is empty when the clone already equals the original', () => {
    const build = (set: AccountPrivileges) => {
      addPrivilege(set, hostileDb, 'SELECT', true);
      addPrivilege(set, hostileTable, 'UPDATE', true, 'b`c');
    };

    expect(privilegeStatements(clone, privileges(build), privileges(build))).toEqual([]);
  });
});

describe('role sync statements', () => {
  function withRoles(roles: [string, string | undefined, boolean][], defaults: [string, string | undefined][]): AccountPrivileges {
    const set = emptyPrivileges();
    for (const [name, host, admin] of roles) set.roles.set(roleKey({ name, host }), { role: { name, host }, admin });
    set.defaultRoles = defaults.map(([name, host]) => roleKey({ name, host })).sort();
    return set;
  }

  it('grants roles before setting the default and revokes old ones after, on MySQL 8', () => {
    const want = withRoles([["read'er", '%', false], ['writer`', '%', true]], [["read'er", '%']]);
    const have = withRoles([['old', 'localhost', false], ['writer`', '%', false]], []);

    expect(sql(roleStatements(clone, want, have, 'mysql'))).toEqual([
      `GRANT 'read\\'er'@'%' TO ${target}`,
      `GRANT 'writer\`'@'%' TO ${target} WITH ADMIN OPTION`,
      `SET DEFAULT ROLE 'read\\'er'@'%' TO ${target}`,
      `REVOKE 'old'@'localhost' FROM ${target}`,
    ]);
  });

  it('removes an admin option by revoking and granting again on MySQL 8, with REVOKE ADMIN OPTION on MariaDB', () => {
    const want = withRoles([['r', '%', false]], []);
    const have = withRoles([['r', '%', true]], []);
    const mariadbWant = withRoles([['r', undefined, false]], []);
    const mariadbHave = withRoles([['r', undefined, true]], [['r', undefined]]);

    expect(sql(roleStatements(clone, want, have, 'mysql'))).toEqual([`REVOKE 'r'@'%' FROM ${target}`, `GRANT 'r'@'%' TO ${target}`]);
    expect(sql(roleStatements(clone, mariadbWant, mariadbHave, 'mariadb'))).toEqual([
      `SET DEFAULT ROLE NONE FOR ${target}`,
      `REVOKE ADMIN OPTION FOR 'r' FROM ${target}`,
    ]);
  });

  it('sets several default roles at once on MySQL 8', () => {
    const want = withRoles([['a', '%', false], ['b', '%', false]], [['a', '%'], ['b', '%']]);
    const have = withRoles([['a', '%', false], ['b', '%', false]], [['a', '%']]);

    expect(sql(roleStatements(clone, want, have, 'mysql'))).toEqual([`SET DEFAULT ROLE 'a'@'%', 'b'@'%' TO ${target}`]);
  });
});

describe('proxy sync statements', () => {
  it('grants missing and revokes extra PROXY grants', () => {
    const want = emptyPrivileges();
    want.proxies.set('a', { user: "p'x", host: '%' });
    const have = emptyPrivileges();
    have.proxies.set('b', { user: 'old', host: 'localhost' });

    expect(sql(proxyStatements(clone, want, have))).toEqual([
      `REVOKE PROXY ON 'old'@'localhost' FROM ${target}`,
      `GRANT PROXY ON 'p\\'x'@'%' TO ${target}`,
    ]);
  });
});
