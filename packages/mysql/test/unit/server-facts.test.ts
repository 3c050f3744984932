import { describe, expect, it } from 'vitest';
import { parseServerFacts, serverCapabilities } from '../../src/server-facts.js';

describe('server facts', () => {
  it.each([
    ['10.11.6-MariaDB-0+deb12u1', 'Debian 12', 'mariadb', [10, 11, 6], false],
    ['10.11.8-MariaDB-log', 'Source distribution', 'mariadb', [10, 11, 8], false],
    ['5.5.5-10.6.16-MariaDB', '', 'mariadb', [10, 6, 16], false],
    ['10.4.30', 'mariadb.org binary distribution', 'mariadb', [10, 4, 30], false],
    ['8.0.35', 'MySQL Community Server - GPL', 'mysql', [8, 0, 35], false],
    ['8.4.3', 'MySQL Community Server - GPL', 'mysql', [8, 4, 3], false],
    ['9.1.0', 'MySQL Community Server - GPL', 'mysql', [9, 1, 0], false],
    ['8.0.mysql_aurora.3.05.2', 'Source distribution', 'mysql', [8, 0, 23], true],
    ['5.7.mysql_aurora.2.11.2', 'MySQL Community Server (GPL)', 'mysql', [5, 7, 12], true],
    ['5.6.51-log', 'MySQL Community Server (GPL)', 'mysql', [5, 6, 51], false],
  ] as const)('reads %s (%s) as %s %j', (version, comment, flavour, parsed, aurora) => {
    expect(parseServerFacts(version, comment)).toEqual({ flavour, version: parsed, aurora, sqlMode: '' });
  });

  it('returns undefined for a version without major.minor', () => {
    expect(parseServerFacts('unknown', 'MySQL')).toBeUndefined();
  });

  it('decides capabilities from flavour and version, not from a prefix', () => {
    const caps = (version: string, comment = '') => serverCapabilities(parseServerFacts(version, comment) ?? { flavour: 'mysql', version: [0, 0, 0], aurora: false, sqlMode: '' });

    expect(caps('9.1.0')).toMatchObject({ dualPassword: true, replaceClause: true, userAttributes: true, roles: true, usernameLimit: 32 });
    expect(caps('8.0.13')).toMatchObject({ dualPassword: false, replaceClause: true, userAttributes: false });
    expect(caps('8.0.14')).toMatchObject({ dualPassword: true, userAttributes: false });
    expect(caps('8.0.mysql_aurora.3.01.0')).toMatchObject({ dualPassword: true, userAttributes: true, partialRevokes: true });
    expect(caps('5.7.44')).toMatchObject({ dualPassword: false, roles: false, alterUser: true, plainSetPassword: true, usernameLimit: 32 });
    expect(caps('5.7.5')).toMatchObject({ alterUser: false, plainSetPassword: false, usernameLimit: 16 });
    expect(caps('5.6.51')).toMatchObject({ alterUser: false, usernameLimit: 16 });
    expect(caps('10.11.6-MariaDB')).toMatchObject({ dualPassword: false, replaceClause: false, roles: true, alterUser: true, usernameLimit: 80 });
    // A MariaDB 11 is still MariaDB: no MySQL-only statement because the major is above 8.
    expect(caps('11.4.2-MariaDB')).toMatchObject({ dualPassword: false, userAttributes: false, dynamicPrivileges: false });
  });
});
