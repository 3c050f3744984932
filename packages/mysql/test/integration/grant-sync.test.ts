import { type MysqlTarget, startMysqlTarget } from '@rotation-lambdas/test-env';
import { ContractContext, expectRotationError, expectSucceeded, testPassword, uniqueName } from '@rotation-lambdas/test-env/contract';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlFixture } from './mysql-fixture.js';
import { grantsOf, hostsOf } from './server-state.js';

/** A table in the probe database nobody has been granted yet. */
async function probeTable(admin: mysql.Connection): Promise<string> {
  const table = uniqueName('probe');
  await admin.query(`CREATE TABLE rotation_probes.${mysql.escapeId(table)} (v int)`);
  await admin.query(`INSERT INTO rotation_probes.${mysql.escapeId(table)} VALUES (1)`);
  return table;
}

async function accountOptions(admin: mysql.Connection, user: string, host: string): Promise<Record<string, unknown>> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(
    `SELECT ssl_type, CONVERT(ssl_cipher USING utf8mb4) AS ssl_cipher, CONVERT(x509_issuer USING utf8mb4) AS x509_issuer,
      CONVERT(x509_subject USING utf8mb4) AS x509_subject, max_questions, max_updates, max_connections, max_user_connections,
      max_statement_time, plugin, default_role FROM mysql.user WHERE User = ? AND Host = ?`,
    [user, host],
  );
  return { ...rows[0] };
}

describe('alternating-users rotation keeps the clone equal to the original (mysql)', () => {
  let target: MysqlTarget;
  let admin: mysql.Connection;
  let context: ContractContext;
  beforeAll(async () => {
    target = await startMysqlTarget();
    admin = target.admin;
    context = new ContractContext({ ...mysqlFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  it('adds a grant given to the original and revokes one taken from it, at the next rotation', async () => {
    // Prepare: the original reads two tables; a clone exists with both.
    const { user, arn } = await context.userWithSecret('alternating-users');
    const kept = await target.grantProbe(user.username);
    const revoked = await target.grantProbe(user.username);
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    const clone = await context.current(arn);
    expect(await target.canUseProbe(clone, revoked)).toBe(true);

    // Act: one grant taken from the original, one added; the next rotation is the original's turn.
    await admin.query(`REVOKE SELECT ON rotation_probes.${mysql.escapeId(revoked)} FROM ${mysql.format('?@?', [user.username, '%'])}`);
    const added = await target.grantProbe(user.username);
    expectSucceeded(await driver.rotate(arn));

    // Assess: the clone, still logged in with its password, follows both changes.
    expect(await target.canUseProbe(clone, added)).toBe(true);
    expect(await target.canUseProbe(clone, revoked)).toBe(false);
    expect(await target.canUseProbe(clone, kept)).toBe(true);
    expect(await grantsOf(admin, clone.username, '%')).toEqual(await grantsOf(admin, user.username, '%'));
  });

  it('revokes a grant someone gave the clone that the original does not have', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    const clone = await context.current(arn);
    const extra = await target.grantProbe(clone.username);
    await admin.query(`GRANT PROCESS ON *.* TO ${mysql.format('?@?', [clone.username, '%'])}`);

    expectSucceeded(await driver.rotate(arn));

    expect(await target.canUseProbe(clone, extra)).toBe(false);
    expect(await grantsOf(admin, clone.username, '%')).toEqual(await grantsOf(admin, user.username, '%'));
  });

  it('copies grants on names holding " TO ", backticks, quotes and wildcards, with their grant options', async () => {
    // Prepare: AWS's template splits SHOW GRANTS at " TO "; these names break that and every naive quoting.
    const database = `we TO ird\`db'${uniqueName('')}`;
    const pattern = 'pat\\_%';
    const { user, arn } = await context.userWithSecret('alternating-users');
    const account = mysql.format('?@?', [user.username, '%']);
    await admin.query(`CREATE DATABASE ${mysql.escapeId(database, true)}`);
    await admin.query(`CREATE TABLE ${mysql.escapeId(database, true)}.\`t TO 1\` (a int, \`b\`\`c\` int)`);
    await admin.query(`CREATE PROCEDURE ${mysql.escapeId(database, true)}.\`p TO\`() SELECT 1`);
    await admin.query(`GRANT SELECT, INSERT ON ${mysql.escapeId(database, true)}.* TO ${account} WITH GRANT OPTION`);
    await admin.query(`GRANT SELECT ON ${mysql.escapeId(pattern, true)}.* TO ${account}`);
    await admin.query(`GRANT UPDATE (\`b\`\`c\`), SELECT (a) ON ${mysql.escapeId(database, true)}.\`t TO 1\` TO ${account}`);
    await admin.query(`GRANT EXECUTE ON PROCEDURE ${mysql.escapeId(database, true)}.\`p TO\` TO ${account} WITH GRANT OPTION`);
    await admin.query(`GRANT PROCESS ON *.* TO ${account}`);
    const driver = await context.driver('alternating-users');

    // Act
    expectSucceeded(await driver.rotate(arn));

    // Assess: the server renders the clone's grants exactly as the original's.
    const clone = await context.current(arn);
    const original = await grantsOf(admin, user.username, '%');
    expect(original.join('\n')).toContain('WITH GRANT OPTION');
    expect(original.join('\n')).toContain('`pat\\_%`');
    expect(await grantsOf(admin, clone.username, '%')).toEqual(original);
    const rows = await target.asUser(clone, async (connection) => {
      const [result] = await connection.query<mysql.RowDataPacket[]>(`SELECT a FROM ${mysql.escapeId(database, true)}.\`t TO 1\``);
      return result;
    });
    expect(rows).toEqual([]);
  });

  it('creates the clone at each of the original\'s host patterns, 10.0.% included, with that host\'s grants', async () => {
    // Prepare: the original exists at 10.0.% (unreachable from here) and 127.0.0.1, with different grants.
    const user = { username: uniqueName('h'), password: testPassword() };
    context.leaks.addSecret(user.password);
    for (const host of ['10.0.%', '127.0.0.1']) {
      await admin.query(`CREATE USER ${mysql.format('?@?', [user.username, host])} IDENTIFIED BY ${mysql.escape(user.password)}`);
    }
    const probe = await probeTable(admin);
    await admin.query(`GRANT SELECT ON rotation_probes.${mysql.escapeId(probe)} TO ${mysql.format('?@?', [user.username, '127.0.0.1'])}`);
    await admin.query(`GRANT PROCESS ON *.* TO ${mysql.format('?@?', [user.username, '10.0.%'])}`);
    const arn = await context.createSecret({ ...target.secretFor(user), masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');

    // Act
    expectSucceeded(await driver.rotate(arn));

    // Assess
    const clone = await context.current(arn);
    expect(await hostsOf(admin, clone.username)).toEqual(['10.0.%', '127.0.0.1']);
    expect(await hostsOf(admin, clone.username)).not.toContain('%');
    for (const host of ['10.0.%', '127.0.0.1']) {
      expect(await grantsOf(admin, clone.username, host)).toEqual(await grantsOf(admin, user.username, host));
    }
    expect(await target.canUseProbe(clone, probe)).toBe(true);
  });

  it('drops a clone host the original no longer has only when it carries the marker, and creates one it gained, on the clone\'s turn', async () => {
    const user = { username: uniqueName('m'), password: testPassword() };
    context.leaks.addSecret(user.password);
    for (const host of ['127.0.0.1', '10.1.%']) {
      await admin.query(`CREATE USER ${mysql.format('?@?', [user.username, host])} IDENTIFIED BY ${mysql.escape(user.password)}`);
    }
    const arn = await context.createSecret({ ...target.secretFor(user), masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    const cloneName = `${user.username}_clone`;
    await admin.query(`DROP USER ${mysql.format('?@?', [user.username, '10.1.%'])}`);
    await admin.query(`CREATE USER ${mysql.format('?@?', [user.username, '10.2.%'])} IDENTIFIED BY ${mysql.escape(user.password)}`);

    // The original's turn leaves the clone's hosts alone (there is no clone password to give a new host).
    expectSucceeded(await driver.rotate(arn));
    expect(await hostsOf(admin, cloneName)).toEqual(['10.1.%', '127.0.0.1']);
    // The clone's turn makes them equal. An account is dropped only when its marker binds it to this secret
    // (MySQL 8.0.21+ user attributes); where the server keeps no marker, rotation refuses and the operator
    // removes the account.
    const [attributes] = await admin.query<mysql.RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'USER_ATTRIBUTES'",
    );
    if (Number(attributes[0]?.n) === 0) {
      expectRotationError(await driver.rotate(arn), 'ALTERNATE_USER_CONFLICT', 'username');
      expect(await hostsOf(admin, cloneName)).toEqual(['10.1.%', '127.0.0.1']);
      await admin.query(`DROP USER ${mysql.format('?@?', [cloneName, '10.1.%'])}`);
      // The service retries the same rotation.
      expectSucceeded(await driver.resume(arn));
    } else {
      expectSucceeded(await driver.rotate(arn));
    }

    expect(await hostsOf(admin, cloneName)).toEqual(['10.2.%', '127.0.0.1']);
    expect(await target.canLogin(await context.current(arn))).toBe(true);
  });

  it('syncs a grant set larger than one step can apply, each invocation inside the function timeout, over the service\'s retries', async () => {
    // Prepare: an original holding SELECT on 600 tables (table grants are one statement each).
    const { user, arn } = await context.userWithSecret('alternating-users');
    const database = uniqueName('many');
    await admin.query(`CREATE DATABASE ${mysql.escapeId(database)}`);
    const tables = Array.from({ length: 600 }, (_, index) => `${mysql.escapeId(database)}.${mysql.escapeId(`t${index}`)}`);
    for (const table of tables) await admin.query(`CREATE TABLE ${table} (v int) ENGINE=MEMORY`);
    for (const table of tables) await admin.query(`GRANT SELECT ON ${table} TO ${mysql.format('?@?', [user.username, '%'])}`);
    const timeoutMs = 2_500;
    const driver = await context.driver('alternating-users', {}, timeoutMs);

    // Act: rotate, and retry the rotation as the service does until it completes.
    let outcome = await driver.rotate(arn);
    const invocations = [...outcome.steps];
    for (let retry = 0; !outcome.ok && retry < 60; retry += 1) {
      expectRotationError(outcome, 'DEADLINE_EXCEEDED');
      outcome = await driver.resume(arn);
      invocations.push(...outcome.steps);
    }

    // Assess: done, with every grant, and no invocation ran past the function's timeout.
    expectSucceeded(outcome);
    expect(invocations.filter((step) => step.durationMs >= timeoutMs)).toEqual([]);
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?',
      [`'${user.username}_clone'@'%'`, database],
    );
    expect(Number(rows[0]?.n)).toBe(600);
  }, 300_000);

  it('copies resource limits when it creates the clone and follows later changes to them', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    const account = mysql.format('?@?', [user.username, '%']);
    await admin.query(
      `ALTER USER ${account} WITH MAX_QUERIES_PER_HOUR 5000 MAX_UPDATES_PER_HOUR 400 MAX_CONNECTIONS_PER_HOUR 300 MAX_USER_CONNECTIONS 20 MAX_STATEMENT_TIME 2.5`,
    );
    const driver = await context.driver('alternating-users');
    const cloneName = `${user.username}_clone`;

    expectSucceeded(await driver.rotate(arn));
    expect(await accountOptions(admin, cloneName, '%')).toEqual(await accountOptions(admin, user.username, '%'));

    await admin.query(`ALTER USER ${account} WITH MAX_QUERIES_PER_HOUR 0 MAX_USER_CONNECTIONS 7 MAX_STATEMENT_TIME 0`);
    expectSucceeded(await driver.rotate(arn));

    const options = await accountOptions(admin, cloneName, '%');
    expect(options).toEqual(await accountOptions(admin, user.username, '%'));
    expect(options).toMatchObject({ max_questions: 0, max_updates: 400, max_user_connections: 7 });
  });

  it('copies a TLS requirement with cipher, issuer and subject to the clone', async () => {
    // Prepare: the clone exists and is current; then the original starts requiring a certificate.
    const { user, arn } = await context.userWithSecret('alternating-users');
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    await admin.query(
      `ALTER USER ${mysql.format('?@?', [user.username, '%'])}
        REQUIRE CIPHER 'ECDHE-RSA-AES256-GCM-SHA384' AND ISSUER '/CN=it''s a CA' AND SUBJECT '/CN=app"x'`,
    );
    const token = await driver.start(arn);

    // Act: setSecret is the original's turn (it cannot log in over plaintext now, so the test stops there).
    expectSucceeded(await driver.runSteps(arn, token, { until: 'setSecret' }));

    // Assess
    const options = await accountOptions(admin, `${user.username}_clone`, '%');
    expect(options).toEqual(await accountOptions(admin, user.username, '%'));
    expect(options).toMatchObject({ ssl_type: 'SPECIFIED', x509_issuer: "/CN=it's a CA", x509_subject: '/CN=app"x' });
  });

  it('copies roles with their admin option and the default role, and follows their revocation', async () => {
    // Prepare: roles made by the master (which then holds them WITH ADMIN OPTION, as on RDS).
    const reader = `reader ${uniqueName('')}'s`;
    const writer = `writer\`${uniqueName('')}`;
    const { user, arn } = await context.userWithSecret('alternating-users');
    const account = mysql.format('?@?', [user.username, '%']);
    const probe = await probeTable(admin);
    await target.asUser(target.master, async (master) => {
      await master.query(`CREATE ROLE ${mysql.escape(reader)}`);
      await master.query(`CREATE ROLE ${mysql.escape(writer)}`);
      await master.query(`GRANT SELECT ON rotation_probes.${mysql.escapeId(probe)} TO ${mysql.escape(reader)}`);
      await master.query(`GRANT ${mysql.escape(reader)} TO ${account}`);
      await master.query(`GRANT ${mysql.escape(writer)} TO ${account} WITH ADMIN OPTION`);
      await master.query(`SET DEFAULT ROLE ${mysql.escape(reader)} FOR ${account}`);
    });
    const driver = await context.driver('alternating-users');

    // Act
    expectSucceeded(await driver.rotate(arn));

    // Assess: the default role makes the probe readable at login, as for the original.
    const clone = await context.current(arn);
    expect(await grantsOf(admin, clone.username, '%')).toEqual(await grantsOf(admin, user.username, '%'));
    expect(await target.canUseProbe(clone, probe)).toBe(true);

    // Act: the role and the default go from the original; the next rotation takes them from the clone.
    await target.asUser(target.master, async (master) => {
      await master.query(`SET DEFAULT ROLE NONE FOR ${account}`);
      await master.query(`REVOKE ${mysql.escape(reader)} FROM ${account}`);
      await master.query(`REVOKE ADMIN OPTION FOR ${mysql.escape(writer)} FROM ${account}`);
    });
    expectSucceeded(await driver.rotate(arn));

    expect(await grantsOf(admin, clone.username, '%')).toEqual(await grantsOf(admin, user.username, '%'));
    expect(await target.canUseProbe(clone, probe)).toBe(false);
  });

  it('converges when setSecret is retried after a crash left a half-made clone', async () => {
    // Prepare: the crash came right after CREATE USER, before any grant (MySQL DDL commits per statement).
    const { user, arn } = await context.userWithSecret('alternating-users');
    const probe = await target.grantProbe(user.username);
    const driver = await context.driver('alternating-users');
    const token = await driver.start(arn);
    expectSucceeded(await driver.invoke('createSecret', arn, token));
    const pending = JSON.parse(String(context.sm.versions(arn).find((version) => version.versionId === token)?.secretString)) as {
      username: string;
      password: string;
    };
    await admin.query(`CREATE USER ${mysql.format('?@?', [pending.username, '%'])} IDENTIFIED BY ${mysql.escape(pending.password)}`);

    // Act: the service retries from setSecret.
    const retried = await driver.resume(arn);

    // Assess
    expectSucceeded(retried);
    expect(await target.canUseProbe(pending, probe)).toBe(true);
    expect(await grantsOf(admin, pending.username, '%')).toEqual(await grantsOf(admin, user.username, '%'));
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
