import { containerRuntimeAvailable, type MysqlTarget, startMysql8Target } from '@rotation-lambdas/test-env';
import {
  ContractContext,
  describeReliabilityContract,
  describeRotationContract,
  describeSingleUserContract,
  expectSucceeded,
} from '@rotation-lambdas/test-env/contract';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysql8DualPasswordFixture, mysql8Fixture } from './mysql-fixture.js';
import { grantsOf } from './server-state.js';

// MySQL 8.4 has no Debian package: it runs in a container, or wherever ROTATION_TEST_MYSQL8_URL points.
const runtime = Boolean(process.env.ROTATION_TEST_MYSQL8_URL) || (await containerRuntimeAvailable());

function describeMysql8Specifics(): void {
  describe('alternating-users rotation on MySQL 8 (mysql)', () => {
    let target: MysqlTarget;
    let context: ContractContext;
    beforeAll(async () => {
      target = await startMysql8Target();
      context = new ContractContext({ ...mysql8Fixture, startTarget: async () => target });
      await context.start();
    });
    afterAll(() => context.stop());

    it('marks the clone with a user attribute and gives it the original\'s caching_sha2_password plugin', async () => {
      const { user, arn } = await context.userWithSecret('alternating-users');

      expectSucceeded(await (await context.driver('alternating-users')).rotate(arn));

      const clone = `${user.username}_clone`;
      const [attributes] = await target.admin.query<mysql.RowDataPacket[]>(
        'SELECT ATTRIBUTE AS attribute FROM information_schema.USER_ATTRIBUTES WHERE USER = ? AND HOST = ?',
        [clone, '%'],
      );
      const attribute = attributes[0]?.attribute;
      expect(typeof attribute === 'string' ? JSON.parse(attribute) : attribute).toEqual({ 'rotation-lambdas': { alternateOf: user.username } });
      const [plugins] = await target.admin.query<mysql.RowDataPacket[]>('SELECT User AS user, plugin FROM mysql.user WHERE User IN (?, ?)', [
        user.username,
        clone,
      ]);
      expect(plugins.map((row) => row.plugin)).toEqual(['caching_sha2_password', 'caching_sha2_password']);
    });

    it('copies roles, their admin option and default roles, and follows a revocation', async () => {
      // Prepare: roles are accounts on MySQL 8; the master holds ROLE_ADMIN, as on RDS.
      const { user, arn } = await context.userWithSecret('alternating-users');
      const account = mysql.format('?@?', [user.username, '%']);
      const reader = mysql.format('?@?', [`reader ${user.username}`, '%']);
      const writer = mysql.format('?@?', [`writer\`${user.username}`, '%']);
      const probe = await target.grantProbe(user.username);
      await target.admin.query(`REVOKE SELECT ON rotation_probes.${mysql.escapeId(probe)} FROM ${account}`);
      await target.asUser(target.master, async (master) => {
        await master.query(`CREATE ROLE ${reader}, ${writer}`);
        await master.query(`GRANT SELECT ON rotation_probes.${mysql.escapeId(probe)} TO ${reader}`);
        await master.query(`GRANT ${reader} TO ${account}`);
        await master.query(`GRANT ${writer} TO ${account} WITH ADMIN OPTION`);
        await master.query(`SET DEFAULT ROLE ${reader} TO ${account}`);
      });
      const driver = await context.driver('alternating-users');

      // Act
      expectSucceeded(await driver.rotate(arn));

      // Assess: the default role is active at the clone's login, so it reads the probe.
      const clone = await context.current(arn);
      expect(await grantsOf(target.admin, clone.username, '%')).toEqual(await grantsOf(target.admin, user.username, '%'));
      expect(await target.canUseProbe(clone, probe)).toBe(true);

      // Act: the reader role goes from the original; the next rotation takes it from the clone.
      await target.asUser(target.master, async (master) => {
        await master.query(`SET DEFAULT ROLE NONE TO ${account}`);
        await master.query(`REVOKE ${reader} FROM ${account}`);
      });
      expectSucceeded(await driver.rotate(arn));

      expect(await grantsOf(target.admin, clone.username, '%')).toEqual(await grantsOf(target.admin, user.username, '%'));
      expect(await target.canUseProbe(clone, probe)).toBe(false);
    });

    it('changes its own password when the server requires the current one (password_require_current)', async () => {
      await target.admin.query('SET GLOBAL password_require_current = ON');
      try {
        const { user, arn } = await context.userWithSecret('single-user');

        expectSucceeded(await (await context.driver('single-user')).rotate(arn));

        expect(await target.canLogin(await context.current(arn))).toBe(true);
        expect(await target.canLogin(user)).toBe(false);
      } finally {
        await target.admin.query('SET GLOBAL password_require_current = OFF');
      }
    });

    it('writes no password or secret string to any log line or error', () => {
      context.collectStoredSecrets();
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

if (runtime) {
  // caching_sha2_password users over plaintext (RSA key exchange) and over TLS are what the contract runs here.
  describeRotationContract(mysql8Fixture);
  describeReliabilityContract(mysql8Fixture);
  describeSingleUserContract(mysql8DualPasswordFixture);
  describeMysql8Specifics();
} else {
  describe('rotation contract on MySQL 8.4 (mysql)', () => {
    it.skipIf(!runtime)('runs against mysql:8.4 when a container runtime answers or ROTATION_TEST_MYSQL8_URL is set; neither is available', () => {
      expect(runtime).toBe(true);
    });
  });
}
