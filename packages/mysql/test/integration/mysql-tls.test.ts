import { type MysqlTarget, startMysqlTarget } from '@rotation-lambdas/test-env';
import { ContractContext, expectSucceeded } from '@rotation-lambdas/test-env/contract';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlFixture } from './mysql-fixture.js';

describe('TLS details (mysql)', () => {
  let target: MysqlTarget;
  let context: ContractContext;
  // The certificate names the loopback address too, so an IP-literal host can be verified.
  beforeAll(async () => {
    target = await startMysqlTarget({ tls: { hosts: ['localhost', '127.0.0.1'] } });
    context = new ContractContext({ ...mysqlFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  const trustCa = () => ({ NODE_EXTRA_CA_CERTS: target.tls?.caFile });

  it('verifies an IP-literal host against the certificate\'s IP entries', async () => {
    const user = await context.createUser();
    const arn = await context.createSecret({ ...target.secretFor(user), host: '127.0.0.1' });

    expectSucceeded(await (await context.driver('single-user', trustCa())).rotate(arn));

    expect(await target.canLogin(await context.current(arn))).toBe(true);
  });

  it('gives the clone the original\'s REQUIRE SSL, so it logs in over TLS only', async () => {
    // Prepare
    const { user, arn } = await context.userWithSecret('alternating-users');
    await target.admin.query(`ALTER USER ${mysql.format('?@?', [user.username, '%'])} REQUIRE SSL`);

    // Act
    expectSucceeded(await (await context.driver('alternating-users', trustCa())).rotate(arn));

    // Assess: over TLS the clone logs in; in plaintext the server refuses it, as it refuses the original.
    const clone = await context.current(arn);
    const [rows] = await target.admin.query<mysql.RowDataPacket[]>('SELECT ssl_type FROM mysql.user WHERE User = ? AND Host = ?', [
      clone.username,
      '%',
    ]);
    expect(rows[0]?.ssl_type).toBe('ANY');
    expect(await target.canLogin(clone)).toBe(true);
    const plaintext = mysql.createConnection({ host: '127.0.0.1', port: target.port, user: clone.username, password: clone.password });
    await expect(plaintext).rejects.toMatchObject({ errno: 1045 });
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
