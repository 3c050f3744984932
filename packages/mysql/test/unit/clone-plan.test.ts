import type { RotationMarker } from '@rotation-lambdas/core';
import { describe, expect, it } from 'vitest';
import { type AccountOptions, defaultOptions } from '../../src/account-options.js';
import { createCloneStatement, planAlternateUser } from '../../src/clone-plan.js';
import { nativePasswordHash } from '../../src/password-statements.js';
import type { AccountState } from '../../src/privilege-reader.js';
import { type AccountPrivileges, addPrivilege, emptyPrivileges } from '../../src/privileges.js';
import { parseServerFacts, serverCapabilities } from '../../src/server-facts.js';

function server(version: string) {
  const facts = parseServerFacts(version, '');
  if (facts === undefined) throw new Error('bad version');
  return { facts, caps: serverCapabilities(facts) };
}

function state(user: string, host: string, options: Partial<AccountOptions> = {}, mariadb = false): AccountState {
  return { account: { user, host }, options: { ...defaultOptions('caching_sha2_password', mariadb), ...options }, defaultRole: '' };
}

const requireSsl = { tls: { type: 'ANY', cipher: '', issuer: '', subject: '' } } as const;
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';
const change = { original: 'app', clone: 'app_clone', target: 'app_clone', password: "p'w", createClone: true, secretArn: ARN, markClone: true };
const ours = { secretArn: ARN, alternateOf: 'app' };

describe('clone creation statement', () => {
  it('creates every host in one statement with the original\'s plugin, options and the marker attribute on MySQL 8', () => {
    const { facts, caps } = server('8.0.35');

    const { statement, withOptions } = createCloneStatement(facts, caps, change, [state('app', '10.0.%', requireSsl), state('app', '127.0.0.1', requireSsl)]);

    expect(withOptions).toBe(true);
    expect(statement).toEqual({
      sql:
        "CREATE USER 'app_clone'@'10.0.%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w', 'app_clone'@'127.0.0.1' IDENTIFIED WITH caching_sha2_password BY 'p\\'w' " +
        'REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 0 ' +
        `ATTRIBUTE '{\\"rotation-lambdas\\":{\\"secret\\":\\"${ARN}\\",\\"alternateOf\\":\\"app\\"}}'`,
      secret: true,
    });
  });

  it('leaves options to a later ALTER USER when the hosts disagree, and has no marker on MariaDB', () => {
    const { facts, caps } = server('10.11.6-MariaDB');
    const native = { plugin: 'mysql_native_password' };

    const { statement, withOptions } = createCloneStatement(facts, caps, change, [
      state('app', '%', { ...native, ...requireSsl }, true),
      state('app', 'localhost', native, true),
    ]);

    expect(withOptions).toBe(false);
    const hash = nativePasswordHash("p'w");
    expect(statement.sql).toBe(`CREATE USER 'app_clone'@'%' IDENTIFIED BY PASSWORD '${hash}', 'app_clone'@'localhost' IDENTIFIED BY PASSWORD '${hash}'`);
  });
});

describe('alternate user plan', () => {
  function reader(
    accounts: Record<string, AccountState[]>,
    privileges: Record<string, AccountPrivileges> = {},
    markers: Record<string, RotationMarker | undefined> = {},
  ) {
    return {
      accounts: async (user: string) => new Map((accounts[user] ?? []).map((account) => [account.account.host, account])),
      privileges: async (account: AccountState) => privileges[`${account.account.user}@${account.account.host}`] ?? emptyPrivileges(),
      markers: async () => new Map(Object.entries(markers)),
    };
  }

  it('on the clone\'s turn creates missing hosts, drops extra ones it marked, sets the password and syncs each host', async () => {
    // Prepare: the original moved from 10.1.% to 10.2.%; 127.0.0.1 is shared; both clone accounts carry this secret's marker.
    const { facts, caps } = server('8.0.35');
    const granted = emptyPrivileges();
    addPrivilege(granted, { kind: 'database', database: 'app' }, 'SELECT', true);
    const fake = reader(
      { app: [state('app', '127.0.0.1'), state('app', '10.2.%')], app_clone: [state('app_clone', '127.0.0.1'), state('app_clone', '10.1.%')] },
      { 'app@127.0.0.1': granted, 'app@10.2.%': granted },
      { '127.0.0.1': ours, '10.1.%': ours },
    );

    // Act
    const plan = await planAlternateUser(fake, facts, caps, { ...change, createClone: false, markClone: false });

    // Assess
    expect(plan.map((statement) => statement.sql)).toEqual([
      expect.stringMatching(/^CREATE USER 'app_clone'@'10\.2\.%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w' REQUIRE NONE /),
      "DROP USER 'app_clone'@'10.1.%'",
      "ALTER USER 'app_clone'@'127.0.0.1' IDENTIFIED WITH caching_sha2_password BY 'p\\'w'",
      "GRANT SELECT ON `app`.* TO 'app_clone'@'127.0.0.1' WITH GRANT OPTION",
      "GRANT SELECT ON `app`.* TO 'app_clone'@'10.2.%' WITH GRANT OPTION",
    ]);
  });

  it.each([
    ['carries no marker', undefined],
    ["carries another secret's marker", { secretArn: `${ARN}x`, alternateOf: 'app' }],
    ['carries a marker from before markers named their secret', { secretArn: undefined, alternateOf: 'app' }],
  ])('never drops a clone account at a host the original lacks when that account %s', async (_, marker) => {
    const { facts, caps } = server('8.0.35');
    const fake = reader({ app: [state('app', '%')], app_clone: [state('app_clone', '%'), state('app_clone', 'localhost')] }, {}, { '%': ours, localhost: marker });

    await expect(planAlternateUser(fake, facts, caps, { ...change, createClone: false })).rejects.toMatchObject({
      code: 'ALTERNATE_USER_CONFLICT',
      field: 'username',
    });
  });

  it('writes the marker on every kept clone account when asked to (an adopted clone)', async () => {
    const { facts, caps } = server('8.0.35');
    const fake = reader({ app: [state('app', '%')], app_clone: [state('app_clone', '%')] });

    const plan = await planAlternateUser(fake, facts, caps, { ...change, createClone: false });

    expect(plan.map((statement) => statement.sql)).toContain(
      `ALTER USER 'app_clone'@'%' ATTRIBUTE '{\\"rotation-lambdas\\":{\\"secret\\":\\"${ARN}\\",\\"alternateOf\\":\\"app\\"}}'`,
    );
  });

  it('on the original\'s turn sets its password everywhere and syncs the clone without touching its hosts', async () => {
    const { facts, caps } = server('8.0.35');
    const fake = reader({
      app: [state('app', '%', requireSsl), state('app', '10.2.%')],
      app_clone: [state('app_clone', '%'), state('app_clone', '10.1.%')],
    });

    const plan = await planAlternateUser(fake, facts, caps, { ...change, target: 'app', createClone: false });

    expect(plan.map((statement) => statement.sql)).toEqual([
      "ALTER USER 'app'@'%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w'",
      "ALTER USER 'app'@'10.2.%' IDENTIFIED WITH caching_sha2_password BY 'p\\'w'",
      expect.stringMatching(/^ALTER USER 'app_clone'@'%' REQUIRE SSL WITH /),
    ]);
  });

  it('refuses when the original has no login account', async () => {
    const { facts, caps } = server('10.11.6-MariaDB');

    await expect(planAlternateUser(reader({}), facts, caps, change)).rejects.toThrow(/no login account/);
  });
});
