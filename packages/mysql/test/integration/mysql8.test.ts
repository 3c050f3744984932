import { type MysqlTarget, type ServerSpec, STEPS, startMysqlTarget } from '@rotation-lambdas/test-env';
import {
  ContractContext,
  describeEachServer,
  describeSingleUserContract,
  expectRotationError,
  expectSucceeded,
  uniqueName,
} from '@rotation-lambdas/test-env/contract';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlDualPasswordFixtureOn, mysqlFixtureOn } from './mysql-fixture.js';
import { grantsOf } from './server-state.js';

/** MySQL server errors the premises below check for. */
const ER_MISSING_CURRENT_PASSWORD = 3892;
const ER_WRONG_STRING_LENGTH = 1470;

async function pluginOf(target: MysqlTarget, username: string): Promise<string | undefined> {
  const [rows] = await target.admin.query<mysql.RowDataPacket[]>('SELECT plugin FROM mysql.user WHERE User = ? AND Host = ?', [username, '%']);
  return rows[0]?.plugin as string | undefined;
}

/** The keys of an account's User_attributes (`additional_password` while a secondary password is retained). */
async function attributeKeys(target: MysqlTarget, username: string): Promise<string[]> {
  const [rows] = await target.admin.query<mysql.RowDataPacket[]>(
    "SELECT COALESCE(JSON_KEYS(User_attributes), JSON_ARRAY()) AS k FROM mysql.user WHERE User = ? AND Host = '%'",
    [username],
  );
  const keys = rows[0]?.k;
  return (typeof keys === 'string' ? JSON.parse(keys) : keys) as string[];
}

/**
 * Runs a rotation one step at a time with the server's authentication cache emptied before each step, so
 * every login does caching_sha2_password's full authentication: over plaintext only the RSA key exchange can
 * carry it (the server refuses a cleartext password without TLS), over TLS the password goes inside TLS.
 */
async function rotateWithColdAuthCache(context: ContractContext, target: MysqlTarget, strategy: 'single-user' | 'alternating-users', arn: string) {
  const driver = await context.driver(strategy, target.tls === undefined ? {} : { NODE_EXTRA_CA_CERTS: target.tls.caFile });
  const token = await driver.start(arn);
  for (const step of STEPS) {
    await target.admin.query('FLUSH PRIVILEGES');
    expectSucceeded(await driver.invoke(step, arn, token));
  }
}

function describeMysqlAccounts(server: ServerSpec): void {
  describe('MySQL accounts: attribute marker, plugin, roles, PASSWORD REQUIRE CURRENT, name limit (mysql)', () => {
    let target: MysqlTarget;
    let context: ContractContext;
    const fixture = mysqlFixtureOn(server);
    beforeAll(async () => {
      target = await startMysqlTarget({ server: server.id });
      context = new ContractContext({ ...fixture, startTarget: async () => target });
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
      expect(typeof attribute === 'string' ? JSON.parse(attribute) : attribute).toEqual({ 'rotation-lambdas': { alternateOf: user.username, secret: arn } });
      expect([await pluginOf(target, user.username), await pluginOf(target, clone)]).toEqual(['caching_sha2_password', 'caching_sha2_password']);
    });

    it('copies roles, their admin option and default roles, and follows a revocation', async () => {
      // Prepare: roles are accounts on MySQL 8; the master holds ROLE_ADMIN, as on RDS.
      const { user, arn } = await context.userWithSecret('alternating-users');
      const account = mysql.format('?@?', [user.username, '%']);
      const reader = mysql.format('?@?', [`reader ${user.username}`, '%']);
      // Not ending in the user's name: the SHOW GRANTS oracle replaces `<user>`@`%` with <account>.
      const writer = mysql.format('?@?', [`writer\`${user.username}_w`, '%']);
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
      const [defaults] = await target.admin.query<mysql.RowDataPacket[]>(
        'SELECT DEFAULT_ROLE_USER AS role FROM mysql.default_roles WHERE USER = ? AND HOST = ?',
        [clone.username, '%'],
      );
      expect(defaults.map((row) => row.role)).toEqual([`reader ${user.username}`]);

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

    it('changes its own password when its account says PASSWORD REQUIRE CURRENT', async () => {
      // Prepare: the account refuses a change of its own password that does not name the current one.
      const { user, arn } = await context.userWithSecret('single-user');
      await target.admin.query(`ALTER USER ${mysql.format('?@?', [user.username, '%'])} PASSWORD REQUIRE CURRENT`);
      const refused = target.asUser(user, (connection) => connection.query('ALTER USER CURRENT_USER() IDENTIFIED BY ?', [`${user.password}x`]));
      await expect(refused).rejects.toMatchObject({ errno: ER_MISSING_CURRENT_PASSWORD });

      // Act
      expectSucceeded(await (await context.driver('single-user')).rotate(arn));

      // Assess
      expect(await target.canLogin(await context.current(arn))).toBe(true);
      expect(await target.canLogin(user)).toBe(false);
    });

    it('makes a clone of exactly 32 characters, the server\'s limit', async () => {
      const name = uniqueName('n').padEnd(26, 'x');
      const user = await context.createUser('n', name);
      const arn = await context.createSecret({ ...target.secretFor(user), masterarn: await context.masterArn() });

      expectSucceeded(await (await context.driver('alternating-users')).rotate(arn));

      const clone = await context.current(arn);
      expect(clone.username).toHaveLength(32);
      expect(await target.canLogin(clone)).toBe(true);
    });

    it('refuses at setSecret a 33-character clone name the server would refuse, even when USERNAME_CHARACTER_LIMIT allows it', async () => {
      // Prepare: the server itself refuses 33 characters.
      const tooLong = uniqueName('t').padEnd(33, 'x');
      await expect(target.admin.query('CREATE USER ?@? IDENTIFIED BY ?', [tooLong, '%', 'Pw-unused-1'])).rejects.toMatchObject({
        errno: ER_WRONG_STRING_LENGTH,
      });
      const name = uniqueName('l').padEnd(27, 'x');
      const user = await context.createUser('l', name);
      const arn = await context.createSecret({ ...target.secretFor(user), masterarn: await context.masterArn() });

      // Act
      const rotation = await (await context.driver('alternating-users', { USERNAME_CHARACTER_LIMIT: '40' })).rotate(arn);

      // Assess
      const error = expectRotationError(rotation, 'USERNAME_TOO_LONG', 'username');
      expect(error.step).toBe('setSecret');
      expect((error as unknown as { limit: number }).limit).toBe(32);
      expect(await target.userExists(`${name}_clone`)).toBe(false);
    });

    it('writes no password or secret string to any log line or error', () => {
      context.collectStoredSecrets();
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

function describeCachingSha2(server: ServerSpec): void {
  describe('caching_sha2_password full authentication over plaintext and over TLS (mysql)', () => {
    const plain = new ContractContext(mysqlFixtureOn(server));
    const tls = new ContractContext(mysqlFixtureOn(server));
    beforeAll(() => Promise.all([plain.start(), tls.start({ tls: { hosts: ['localhost'] }, requireTls: true })]));
    afterAll(() => Promise.all([plain.stop(), tls.stop()]));

    const mysqlTargetOf = (context: ContractContext) => context.target as MysqlTarget;

    for (const strategy of ['single-user', 'alternating-users'] as const) {
      it(`rotates over plaintext with an empty authentication cache, through the server's RSA key exchange (${strategy})`, async () => {
        // Prepare: plaintext is allowed; the account uses caching_sha2_password; the server holds its RSA key pair.
        const target = mysqlTargetOf(plain);
        const { user, arn } = await plain.userWithSecret(strategy);
        expect(await pluginOf(target, user.username)).toBe('caching_sha2_password');
        const [status] = await target.admin.query<mysql.RowDataPacket[]>("SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key'");
        expect(String(status[0]?.Value)).toContain('BEGIN PUBLIC KEY');
        expect((await plain.current(arn)).ssl).toBe(false);

        // Act
        await rotateWithColdAuthCache(plain, target, strategy, arn);

        // Assess
        expect(await target.canLogin(await plain.current(arn))).toBe(true);
      });

      it(`rotates over verified TLS with an empty authentication cache (${strategy})`, async () => {
        const target = mysqlTargetOf(tls);
        const { arn } = await tls.userWithSecret(strategy);
        const plaintext = mysql.createConnection({ host: '127.0.0.1', port: target.port, user: target.master.username, password: target.master.password });
        await expect(plaintext).rejects.toMatchObject({ code: 'ER_SECURE_TRANSPORT_REQUIRED' });

        await rotateWithColdAuthCache(tls, target, strategy, arn);

        expect(await target.canLogin(await tls.current(arn))).toBe(true);
      });
    }

    it('writes no password or secret string to any log line or error', () => {
      plain.collectStoredSecrets();
      tls.collectStoredSecrets();
      expect([...plain.leaks.findLeaks(), ...tls.leaks.findLeaks()]).toEqual([]);
    });
  });
}

function describeDualPasswords(server: ServerSpec): void {
  describe('dual passwords: RETAIN CURRENT PASSWORD, DISCARD OLD PASSWORD, APPLICATION_PASSWORD_ADMIN (mysql)', () => {
    const dual = new ContractContext(mysqlDualPasswordFixtureOn(server));
    const plain = new ContractContext({ ...mysqlFixtureOn(server), handlerEnv: { DUAL_PASSWORD: 'true' } });
    beforeAll(() => Promise.all([dual.start(), plain.start()]));
    afterAll(() => Promise.all([dual.stop(), plain.stop()]));

    it('retains the previous password as the secondary one and discards it at the next rotation', async () => {
      const { user, arn } = await dual.userWithSecret('single-user');
      const driver = await dual.driver('single-user');
      const target = dual.target as MysqlTarget;
      expect(await attributeKeys(target, user.username)).not.toContain('additional_password');

      expectSucceeded(await driver.rotate(arn));
      const first = await dual.current(arn);
      expect(await attributeKeys(target, user.username)).toContain('additional_password');
      expect([await target.canLogin(first), await target.canLogin(user)]).toEqual([true, true]);

      expectSucceeded(await driver.rotate(arn));
      expect([await target.canLogin(await dual.current(arn)), await target.canLogin(first), await target.canLogin(user)]).toEqual([true, true, false]);
    });

    it('fails without APPLICATION_PASSWORD_ADMIN, with a typed error, leaving the one password as it was', async () => {
      // Prepare: a user without the privilege a user needs to retain or discard its own secondary password.
      const { user, arn } = await plain.userWithSecret('single-user');
      const target = plain.target as MysqlTarget;
      const [grants] = await target.admin.query<mysql.RowDataPacket[]>(`SHOW GRANTS FOR ${mysql.format('?@?', [user.username, '%'])}`);
      expect(JSON.stringify(grants)).not.toContain('APPLICATION_PASSWORD_ADMIN');

      // Act
      const rotation = await (await plain.driver('single-user')).rotate(arn);

      // Assess: setSecret refused before any change; the stored password is still the only one.
      const error = expectRotationError(rotation, 'ENGINE_OPERATION');
      expect(error.step).toBe('setSecret');
      expect(await target.canLogin(user)).toBe(true);
      expect(await attributeKeys(target, user.username)).not.toContain('additional_password');
      expect((await plain.current(arn)).password).toBe(user.password);
    });

    it('writes no password or secret string to any log line or error', () => {
      dual.collectStoredSecrets();
      plain.collectStoredSecrets();
      expect([...dual.leaks.findLeaks(), ...plain.leaks.findLeaks()]).toEqual([]);
    });
  });
}

// MySQL only (MariaDB keeps one password per account and has no caching_sha2_password): MySQL 9.7, built
// here from Debian sid, and MySQL 8.4 where Docker can pull it. The generic contract runs on these rows too.
await describeEachServer(
  'mysql',
  (server) => {
    describeSingleUserContract(mysqlDualPasswordFixtureOn(server));
    describeDualPasswords(server);
    describeCachingSha2(server);
    describeMysqlAccounts(server);
  },
  { products: ['mysql'] },
);
