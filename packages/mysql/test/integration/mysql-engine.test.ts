import { type MysqlTarget, mysqlTarget, startMysql, startMysqlTarget } from '@rotation-lambdas/test-env';
import { ContractContext, expectRotationError, expectSucceeded, testPassword, uniqueName } from '@rotation-lambdas/test-env/contract';
import { parseSecretJson } from '@rotation-lambdas/core';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlAdapter } from '../../src/adapter.js';
import { nativePasswordHash } from '../../src/password-statements.js';
import { mysqlFixture } from './mysql-fixture.js';

/** Starts a contract context on a MySQL-family target of the describe block's own, stopped after its tests. */
function useMysqlContext(started: (target: MysqlTarget, context: ContractContext) => void, start: () => Promise<MysqlTarget> = startMysqlTarget): void {
  let context: ContractContext | undefined;
  beforeAll(async () => {
    const target = await start();
    context = new ContractContext({ ...mysqlFixture, startTarget: async () => target });
    await context.start();
    started(target, context);
  });
  afterAll(() => context?.stop());
}

describe('single-user rotation options (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  });

  it('refuses DUAL_PASSWORD on MariaDB, naming the variable and leaving the password as it was', async () => {
    const { user, arn } = await context.userWithSecret('single-user');

    const rotation = await (await context.driver('single-user', { DUAL_PASSWORD: 'true' })).rotate(arn);

    expectRotationError(rotation, 'UNSUPPORTED', 'DUAL_PASSWORD');
    expect(rotation.steps.map((step) => step.step)).toEqual(['createSecret', 'setSecret']);
    expect(await target.canLogin(user)).toBe(true);
  });

  it('rotates a secret with a dbname, logging in to that database', async () => {
    // Prepare: the user may use one database; the secret names it.
    const database = uniqueName('appdb');
    const user = await context.createUser();
    await target.admin.query(`CREATE DATABASE ${mysql.escapeId(database)}`);
    await target.admin.query(`GRANT SELECT ON ${mysql.escapeId(database)}.* TO ${mysql.format('?@?', [user.username, '%'])}`);
    const arn = await context.createSecret({ ...target.secretFor(user), dbname: database });

    // Act
    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    // Assess
    const current = await context.current(arn);
    expect(current.dbname).toBe(database);
    expect(await target.canLogin(current)).toBe(true);
  });

  it('fails with the current login named when the secret names a database the user may not use', async () => {
    const user = await context.createUser();
    const arn = await context.createSecret({ ...target.secretFor(user), dbname: 'mysql' });

    const rotation = await (await context.driver('single-user')).rotate(arn);

    const error = expectRotationError(rotation, 'ENGINE_AUTH');
    expect((error as unknown as { login: string }).login).toBe('current');
    expect(await target.canLogin(user)).toBe(true);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});

describe('alternating-users rotation limits (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  });

  it('refuses at setSecret a clone name over the server limit even when USERNAME_CHARACTER_LIMIT allows it', async () => {
    // Prepare: 76 characters fit MariaDB's 80; the clone's 82 do not. The variable raises core's limit to 100.
    const long = uniqueName('l').padEnd(76, 'x');
    const user = await context.createUser('l', long);
    const arn = await context.createSecret({ ...target.secretFor(user), masterarn: await context.masterArn() });

    const rotation = await (await context.driver('alternating-users', { USERNAME_CHARACTER_LIMIT: '100' })).rotate(arn);

    const error = expectRotationError(rotation, 'USERNAME_TOO_LONG', 'username');
    expect(error.step).toBe('setSecret');
    expect((error as unknown as { limit: number }).limit).toBe(80);
    expect(await target.userExists(`${long}_clone`)).toBe(false);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});

describe('rotation on a server whose sql_mode has NO_BACKSLASH_ESCAPES (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  }, async () => {
    const target = await startMysqlTarget();
    // Every new session gets the mode: the driver's backslash escaping would then be plain text.
    await target.admin.query("SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    return target;
  });

  it.each(['single-user', 'alternating-users'] as const)('rotates names and passwords holding quotes and backslashes (%s)', async (strategy) => {
    // Prepare: names whose escaping differs with and without the mode, and a canary they try to drop.
    const canary = await context.createUser('c', `rotation_canary_${strategy === 'single-user' ? 's' : 'a'}`);
    const names = ["q\\'; DROP USER rotation_canary_s; --", "b\\\\'; DROP USER rotation_canary_a; #"];
    for (const name of names) {
      const user = { username: `${name}${strategy[0]}`, password: `Pw\\'"${testPassword()}` };
      context.leaks.addSecret(user.password);
      await target.createUser(user);
      const json = target.secretFor(user);
      const arn = await context.createSecret(strategy === 'alternating-users' ? { ...json, masterarn: await context.masterArn() } : json);

      // Act
      const driver = await context.driver(strategy, { EXCLUDE_CHARACTERS: '' });
      expectSucceeded(await driver.rotate(arn));
      expectSucceeded(await driver.rotate(arn));

      // Assess
      expect(await target.canLogin(await context.current(arn))).toBe(true);
    }
    expect(await target.canLogin(canary)).toBe(true);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});

describe('passwords in statement text (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  }, async () => mysqlTarget(await startMysql({ logStatements: true })));

  it('sends mysql_native_password hashes, never the password, when the master sets one', async () => {
    // Prepare: MariaDB's general log records statements as sent.
    const { user, arn } = await context.userWithSecret('alternating-users');
    const driver = await context.driver('alternating-users');

    // Act: the first rotation creates the clone, the second sets the original's password.
    expectSucceeded(await driver.rotate(arn));
    const clone = await context.current(arn);
    expectSucceeded(await driver.rotate(arn));
    const original = await context.current(arn);

    // Assess
    const log = await target.server.serverLog();
    expect(log).toContain(`IDENTIFIED BY PASSWORD '${nativePasswordHash(clone.password)}'`);
    expect(log).toContain(`IDENTIFIED BY PASSWORD '${nativePasswordHash(original.password)}'`);
    for (const password of [clone.password, original.password]) expect(log).not.toContain(password);
    expect(original.username).toBe(user.username);
  });

  it('sends its own hash, never the password, when a MariaDB user changes its own password (single user)', async () => {
    // Prepare: MariaDB's general log (and audit plugins, and the processlist) record statements as sent.
    const { user, arn } = await context.userWithSecret('single-user');

    // Act
    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    // Assess
    const current = await context.current(arn);
    const log = await target.server.serverLog();
    expect(log).toContain(`SET PASSWORD = '${nativePasswordHash(current.password)}'`);
    expect(log).not.toContain(current.password);
    expect(log).not.toContain('PASSWORD(');
    expect(await target.canLogin(current)).toBe(true);
    expect(await target.canLogin(user)).toBe(false);
  });

  it('computes the hash the server computes', async () => {
    const password = "ﬁancé Ⅻ q'uo\"te\\";
    const [rows] = await target.admin.query<mysql.RowDataPacket[]>('SELECT PASSWORD(?) AS hash', [password]);

    expect(nativePasswordHash(password)).toBe(rows[0]?.hash);
  });
});

describe('host accounts of the alternate user (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  });

  it('never drops a clone account at a host the original lacks that rotation cannot prove it made', async () => {
    // Prepare: rotation made the clone at '%'; someone else has an account of that name at 'localhost'.
    const { user, arn } = await context.userWithSecret('alternating-users');
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    expectSucceeded(await driver.rotate(arn));
    const theirs = { username: `${user.username}_clone`, password: testPassword() };
    await target.admin.query('CREATE USER ?@? IDENTIFIED BY ?', [theirs.username, 'localhost', theirs.password]);

    // Act: the clone's turn.
    const rotation = await driver.rotate(arn);

    // Assess: refused, and the other account is still there.
    expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
    const [rows] = await target.admin.query<mysql.RowDataPacket[]>('SELECT Host AS host FROM mysql.user WHERE User = ?', [theirs.username]);
    expect(rows.map((row) => row.host).sort()).toEqual(['%', 'localhost']);
  });
});

describe('master privilege check for preflight (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  useMysqlContext((started, startedContext) => {
    target = started;
    context = startedContext;
  });

  async function missingFor(original: string): Promise<string[]> {
    const adapter = createMysqlAdapter({ config: { connectTimeoutMs: 5000, statementTimeoutMs: 5000, env: {} } });
    const master = adapter.parseSecret(parseSecretJson(JSON.stringify(target.secretFor(target.master)), 'master'), 'master');
    const admin = await adapter.connectAdmin(master, master);
    try {
      return (await admin.missingPrivileges?.(original)) ?? ['not implemented'];
    } finally {
      await admin.close();
    }
  }

  it('finds nothing missing when the master holds what the original holds, WITH GRANT OPTION', async () => {
    const user = await context.createUser();
    await target.grantProbe(user.username);
    await target.admin.query(`GRANT PROCESS ON *.* TO ${mysql.format('?@?', [user.username, '%'])}`);

    expect(await missingFor(user.username)).toEqual([]);
  });

  it('names, without values, a privilege and a role the master cannot pass on', async () => {
    // Prepare: root gives the original FILE (the RDS-like master lacks it) and a role the master does not administer.
    const user = await context.createUser();
    const role = uniqueName('role');
    await target.admin.query(`GRANT FILE ON *.* TO ${mysql.format('?@?', [user.username, '%'])}`);
    await target.admin.query(`CREATE ROLE ${mysql.escapeId(role)}`);
    await target.admin.query(`GRANT ${mysql.escapeId(role)} TO ${mysql.format('?@?', [user.username, '%'])}`);

    const missing = await missingFor(user.username);

    expect(missing).toEqual(["ADMIN OPTION on each of the original's roles", 'FILE WITH GRANT OPTION (the original holds it globally)']);
    expect(missing.join(' ')).not.toContain(user.username);
  });
});
