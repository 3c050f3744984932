import { describe, expect, it } from 'vitest';
import { nativePasswordHash, ownPasswordStatements, setPasswordStatement } from '../../src/password-statements.js';
import { parseServerFacts, serverCapabilities } from '../../src/server-facts.js';

function server(version: string) {
  const facts = parseServerFacts(version, '');
  if (facts === undefined) throw new Error('bad version');
  return { facts, caps: serverCapabilities(facts) };
}

const change = { currentPassword: "cur'rent\\", newPassword: 'n"ew;--' };
const sql = (statements: readonly { sql: string }[]) => statements.map((statement) => statement.sql);

describe('own password statements', () => {
  it('uses ALTER USER CURRENT_USER() with REPLACE on MySQL 8, escaping both passwords', () => {
    const { facts, caps } = server('8.4.3');

    expect(sql(ownPasswordStatements(facts, caps, change, false))).toEqual([
      `ALTER USER CURRENT_USER() IDENTIFIED BY 'n\\"ew;--' REPLACE 'cur\\'rent\\\\'`,
    ]);
  });

  it('discards the old secondary password and retains the current one with DUAL_PASSWORD on MySQL 8', () => {
    const { facts, caps } = server('8.0.35');

    const statements = ownPasswordStatements(facts, caps, change, true);

    expect(sql(statements)).toEqual([
      'ALTER USER CURRENT_USER() DISCARD OLD PASSWORD',
      `ALTER USER CURRENT_USER() IDENTIFIED BY 'n\\"ew;--' REPLACE 'cur\\'rent\\\\' RETAIN CURRENT PASSWORD`,
    ]);
    expect(statements.map((statement) => statement.secret ?? false)).toEqual([false, true]);
  });

  it('uses SET PASSWORD = PASSWORD(?) on MariaDB and the plain or PASSWORD() form on MySQL 5.7 and 5.6', () => {
    const mariadb = server('10.11.6-MariaDB');
    const mysql57 = server('5.7.44');
    const mysql56 = server('5.6.51');

    expect(sql(ownPasswordStatements(mariadb.facts, mariadb.caps, change, false))).toEqual([`SET PASSWORD = PASSWORD('n\\"ew;--')`]);
    expect(sql(ownPasswordStatements(mariadb.facts, mariadb.caps, change, false, true))).toEqual([`SET PASSWORD = '${nativePasswordHash(change.newPassword)}'`]);
    expect(sql(ownPasswordStatements(mysql57.facts, mysql57.caps, change, false))).toEqual([`SET PASSWORD = 'n\\"ew;--'`]);
    expect(sql(ownPasswordStatements(mysql56.facts, mysql56.caps, change, false))).toEqual([`SET PASSWORD = PASSWORD('n\\"ew;--')`]);
  });
});

describe('master password statements', () => {
  const account = { user: "o'b`x", host: '10.0.%' };

  it('sends the mysql_native_password hash, never the password, for native accounts', () => {
    const mariadb = server('10.11.6-MariaDB');
    const mysql8 = server('8.0.35');
    const hash = nativePasswordHash('pw');

    expect(hash).toMatch(/^\*[0-9A-F]{40}$/);
    expect(setPasswordStatement(mariadb.facts, mariadb.caps, account, 'mysql_native_password', 'pw').sql).toBe(
      `ALTER USER 'o\\'b\`x'@'10.0.%' IDENTIFIED BY PASSWORD '${hash}'`,
    );
    expect(setPasswordStatement(mysql8.facts, mysql8.caps, account, 'mysql_native_password', 'pw').sql).toBe(
      `ALTER USER 'o\\'b\`x'@'10.0.%' IDENTIFIED WITH mysql_native_password AS '${hash}'`,
    );
  });

  it('names caching_sha2_password on MySQL 8 so the clone authenticates like the original', () => {
    const { facts, caps } = server('8.4.3');

    expect(setPasswordStatement(facts, caps, account, 'caching_sha2_password', "p'w").sql).toBe(
      `ALTER USER 'o\\'b\`x'@'10.0.%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w'`,
    );
  });

  it('keeps an unknown plugin: SET PASSWORD on MariaDB, ALTER USER … IDENTIFIED BY on MySQL', () => {
    const mariadb = server('10.11.6-MariaDB');
    const mysql8 = server('8.0.35');
    const mysql56 = server('5.6.51');

    expect(setPasswordStatement(mariadb.facts, mariadb.caps, account, 'ed25519', 'pw').sql).toBe(`SET PASSWORD FOR 'o\\'b\`x'@'10.0.%' = PASSWORD('pw')`);
    expect(setPasswordStatement(mysql8.facts, mysql8.caps, account, 'authentication_ldap_simple', 'pw').sql).toBe(
      `ALTER USER 'o\\'b\`x'@'10.0.%' IDENTIFIED BY 'pw'`,
    );
    expect(setPasswordStatement(mysql56.facts, mysql56.caps, account, 'mysql_native_password', 'pw').sql).toBe(
      `SET PASSWORD FOR 'o\\'b\`x'@'10.0.%' = '${nativePasswordHash('pw')}'`,
    );
  });

  it('computes mysql_native_password as MariaDB does', () => {
    // PASSWORD('qqqSecretZ') on MariaDB 10.11.
    expect(nativePasswordHash('qqqSecretZ')).toBe('*F6465D94B1B0536B275FCA97E919FC389A80A86E');
  });
});
