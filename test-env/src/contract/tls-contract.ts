import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRotationError, expectSucceeded } from './assertions.js';
import { ContractContext, testPassword, uniqueName } from './contract-context.js';
import { startLocalRds } from '../rds/local-rds.js';
import type { EngineFixture, Strategy } from './engine-fixture.js';

/** TLS: verified by default, refused when the chain or the host name is wrong, plaintext only when `ssl` is false. */
function describeTlsContract(fixture: EngineFixture): void {
  describe(`TLS (${fixture.engine})`, () => {
    // The certificate names localhost only, so 127.0.0.1 is a host name it does not cover.
    const tls = new ContractContext(fixture);
    const plain = new ContractContext(fixture);
    beforeAll(() => Promise.all([tls.start({ tls: { hosts: ['localhost'] }, requireTls: true }), plain.start()]));
    afterAll(() => Promise.all([tls.stop(), plain.stop()]));

    const trustCa = () => ({ NODE_EXTRA_CA_CERTS: tls.target.tls?.caFile });

    for (const strategy of ['single-user', 'alternating-users'] as const satisfies readonly Strategy[]) {
      it(`rotates over TLS verified against the CA in NODE_EXTRA_CA_CERTS, with ssl absent (${strategy})`, async () => {
        const user = await tls.createUser();
        const { ssl: _, ...secret } = tls.target.secretFor(user);
        const masterarn = strategy === 'alternating-users' ? { masterarn: await tls.masterArn() } : {};
        const arn = await tls.createSecret({ ...secret, ...masterarn });

        expectSucceeded(await (await tls.driver(strategy, trustCa())).rotate(arn));
        expect(await tls.target.canLogin(await tls.current(arn))).toBe(true);
      });
    }

    if (fixture.rdsManaged !== undefined) {
      const managed = fixture.rdsManaged;
      it('completes an RDS-managed master secret (username and password only) from the RDS API, over TLS', async () => {
        // Prepare: RDS manages the master secret; only its tag says which database it belongs to.
        await using rds = await startLocalRds();
        const identifier = uniqueName('db');
        const resourceArn =
          managed.kind === 'instance'
            ? rds.addInstance({ identifier, engine: managed.engine, address: tls.target.host, port: tls.target.port })
            : rds.addCluster({ identifier, engine: managed.engine, endpoint: tls.target.host, readerEndpoint: `ro.${tls.target.host}`, port: tls.target.port, members: [] });
        const masterArn = await tls.createSecret({ username: tls.target.master.username, password: tls.target.master.password });
        await tls.tagSecret(masterArn, {
          [managed.kind === 'instance' ? 'aws:rds:primaryDBInstanceArn' : 'aws:rds:primaryDBClusterArn']: resourceArn,
        });
        const user = await tls.createUser();
        const arn = await tls.createSecret({ ...tls.target.secretFor(user), masterarn: masterArn });

        // Act
        const rotation = await (await tls.driver('alternating-users', { ...trustCa(), RDS_ENDPOINT: rds.endpoint })).rotate(arn);

        // Assess
        expectSucceeded(rotation);
        expect(await tls.target.canLogin(await tls.current(arn))).toBe(true);
        expect(rds.callCount(managed.kind === 'instance' ? 'DescribeDBInstances' : 'DescribeDBClusters')).toBe(1);
      });
    }

    it('refuses a server certificate from a CA it does not trust, changing nothing', async () => {
      const { user, arn } = await tls.userWithSecret('single-user');

      const rotation = await (await tls.driver('single-user')).rotate(arn);

      expectRotationError(rotation, 'ENGINE_TLS');
      expect(await tls.target.canLogin(user)).toBe(true);
    });

    it('refuses a server certificate issued for another host name', async () => {
      const user = await tls.createUser();
      const arn = await tls.createSecret({ ...tls.target.secretFor(user), host: '127.0.0.1' });

      const rotation = await (await tls.driver('single-user', trustCa())).rotate(arn);

      expectRotationError(rotation, 'ENGINE_TLS');
      expect(await tls.target.canLogin(user)).toBe(true);
    });

    it('does not fall back to plaintext when ssl is absent and the server has no TLS', async () => {
      const user = await plain.createUser();
      const { ssl: _, ...secret } = plain.target.secretFor(user);
      const arn = await plain.createSecret(secret);

      const rotation = await (await plain.driver('single-user')).rotate(arn);

      expectRotationError(rotation, 'ENGINE_TLS');
      expect(await plain.target.canLogin(user)).toBe(true);
    });

    for (const strategy of ['single-user', 'alternating-users'] as const) {
      it(`refuses at setSecret a pending version that turns TLS off, changing nothing (${strategy})`, async () => {
        // Prepare: the secret's writer rewrote AWSPENDING to move every consumer to plaintext.
        const { user, arn } = await tls.userWithSecret(strategy);
        const driver = await tls.driver(strategy, trustCa());
        const token = await driver.start(arn);
        const pending = {
          ...(await tls.current(arn)),
          ...(strategy === 'alternating-users' ? { username: `${user.username}_clone` } : {}),
          ssl: false,
          password: testPassword(),
        };
        await tls.putPending(arn, token, pending);

        // Act + Assess
        expectRotationError(await driver.invoke('setSecret', arn, token), 'RESOURCE_MISMATCH', 'ssl');
        expect(await tls.target.canLogin(user)).toBe(true);
        expect(await tls.target.userExists(`${user.username}_clone`)).toBe(false);
      });
    }

    it('connects in plaintext when ssl is false', async () => {
      const { arn } = await plain.userWithSecret('single-user');
      expect(plain.target.secretFor({ username: 'x', password: 'y' }).ssl).toBe(false);

      expectSucceeded(await (await plain.driver('single-user')).rotate(arn));
    });

    it('writes no password or secret string to any log line or error', () => {
      tls.collectStoredSecrets();
      plain.collectStoredSecrets();
      expect([...tls.leaks.findLeaks(), ...plain.leaks.findLeaks()]).toEqual([]);
    });
  });
}

export { describeTlsContract };
