import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../rotation-driver.js';
import { expectFinishedStages, expectRotationError, expectSucceeded, expectTwoRotations } from './assertions.js';
import { ContractContext, testPassword, uniqueName } from './contract-context.js';
import type { EngineFixture } from './engine-fixture.js';

/** The alternating-users half of the contract: a master keeps `<user>` and `<user>_clone` in step. */
function describeAlternatingUsersContract(fixture: EngineFixture): void {
  describe(`alternating-users rotation (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    const enforcesPrivileges = fixture.enforcesPrivileges ?? true;
    beforeAll(() => context.start());
    afterAll(() => context.stop());

    it('alternates between the user and its clone over three rotations, the previous user working until its next turn', async () => {
      // Prepare: the original can read a probe nobody else can.
      const { user, arn } = await context.userWithSecret('alternating-users');
      const probe = enforcesPrivileges ? await context.target.grantProbe(user.username) : undefined;
      const driver = await context.driver('alternating-users');
      const clone = `${user.username}_clone`;

      // Act + Assess, rotation 1: the clone is created with the original's privileges.
      expectSucceeded(await driver.rotate(arn));
      const first = await context.current(arn);
      expect(first.username).toBe(clone);
      expect(await context.target.canLogin(first)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(true);
      if (probe !== undefined) expect(await context.target.canUseProbe(first, probe)).toBe(true);
      expect(first.rotation_users).toEqual({ original: user.username, clone });

      // Rotation 2: back to the original, with a new password; the clone keeps working.
      expectSucceeded(await driver.rotate(arn));
      const second = await context.current(arn);
      expect(second.username).toBe(user.username);
      expect(second.password).not.toBe(user.password);
      expect(await context.target.canLogin(second)).toBe(true);
      expect(await context.target.canLogin(first)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(false);

      // Rotation 3: the clone again; its first password stops working, the original's keeps working.
      expectSucceeded(await driver.rotate(arn));
      const third = await context.current(arn);
      expect(third.username).toBe(clone);
      expect(await context.target.canLogin(third)).toBe(true);
      expect(await context.target.canLogin(first)).toBe(false);
      expect(await context.target.canLogin(second)).toBe(true);
      if (probe !== undefined) expect(await context.target.canUseProbe(third, probe)).toBe(true);
    });

    // Only where the server enforces privileges can a synced clone be told from an unsynced one; an engine
    // without enforcement (FerretDB) proves role copying elsewhere and says so in its README.
    if (enforcesPrivileges) {
      it('gives the clone a privilege granted to the original after the clone was made, at the next rotation', async () => {
        const { user, arn } = await context.userWithSecret('alternating-users');
        const driver = await context.driver('alternating-users');
        expectSucceeded(await driver.rotate(arn));
        const clone = await context.current(arn);

        const later = await context.target.grantProbe(user.username);
        expectSucceeded(await driver.rotate(arn));

        expect(await context.target.canUseProbe(clone, later)).toBe(true);
      });
    }

    it('alternates when the service left AWSPENDING on the finished version', async () => {
      // Prepare: the other documented end state, whatever this run's default is.
      const { user, arn } = await context.userWithSecret('alternating-users');
      const driver = await context.driver('alternating-users');
      await context.withPendingAfterRotation('kept', async () => {
        // Act: two rotations, the second starting from AWSCURRENT and AWSPENDING on one version.
        const first = await driver.rotate(arn);
        const clone = await context.current(arn);
        const second = await driver.rotate(arn);

        // Assess
        expectTwoRotations(await context.stages(arn), first, second, 'kept');
        const current = await context.current(arn);
        expect([clone.username, current.username]).toEqual([`${user.username}_clone`, user.username]);
        expect(await context.target.canLogin(current)).toBe(true);
        expect(await context.target.canLogin(clone)).toBe(true);
      });
    });

    it('reaches the same end state when every step is invoked twice', async () => {
      const { user, arn } = await context.userWithSecret('alternating-users');
      const driver = await context.driver('alternating-users');
      const token = await driver.start(arn);

      for (const step of STEPS) {
        expectSucceeded(await driver.invoke(step, arn, token));
        expectSucceeded(await driver.invoke(step, arn, token));
      }

      const current = await context.current(arn);
      expect(current.username).toBe(`${user.username}_clone`);
      expectFinishedStages((await context.stages(arn))[token]);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(true);
    });

    it('completes when a new container retries after a failure following setSecret', async () => {
      const { user, arn } = await context.userWithSecret('alternating-users');
      const driver = await context.driver('alternating-users');
      const token = await driver.start(arn);
      expectSucceeded(await driver.runSteps(arn, token, { until: 'setSecret' }));
      context.sm.injectFault({ operation: 'DescribeSecret', error: 'InternalServiceError', times: 3 });
      expectRotationError(await driver.invoke('testSecret', arn, token, await context.coldHandler('alternating-users')), 'SECRETS_MANAGER');
      context.sm.clearFaults();

      const retried = await driver.resume(arn, { handler: await context.coldHandler('alternating-users') });

      expectSucceeded(retried);
      const current = await context.current(arn);
      expect(current.username).toBe(`${user.username}_clone`);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(true);
    });

    it('recreates the clone on its next turn when it was dropped', async () => {
      const { user, arn } = await context.userWithSecret('alternating-users');
      const driver = await context.driver('alternating-users');
      expectSucceeded(await driver.rotate(arn));
      expectSucceeded(await driver.rotate(arn));
      expect((await context.current(arn)).username).toBe(user.username);
      await context.target.dropUser(`${user.username}_clone`);

      expectSucceeded(await driver.rotate(arn));

      const current = await context.current(arn);
      expect(current.username).toBe(`${user.username}_clone`);
      expect(await context.target.canLogin(current)).toBe(true);
    });

    it('rotates users whose names need quoting without running any injected statement', async () => {
      // Hostile names try to drop this role; it must survive every rotation.
      const canary = await context.createUser('c', 'rotation_canary');
      for (const name of fixture.hostileUsernames) {
        const user = await context.createUser('h', name);
        const arn = await context.createSecret({ ...context.target.secretFor(user), masterarn: await context.masterArn() });
        const driver = await context.driver('alternating-users');
        expectSucceeded(await driver.rotate(arn));
        expectSucceeded(await driver.rotate(arn));
        const current = await context.current(arn);
        expect(current.username).toBe(name);
        expect(await context.target.canLogin(current)).toBe(true);
        expect(await context.target.userExists(`${name}_clone`)).toBe(true);
      }
      expect(await context.target.canLogin(canary)).toBe(true);
    });

    it('refuses an existing clone it did not create, leaving that user as it was', async () => {
      // Prepare: someone else's account already holds the clone's name.
      const { user, arn } = await context.userWithSecret('alternating-users');
      const squatter = await context.createUser('x', `${user.username}_clone`);
      const before = await context.state(arn);

      // Act
      const rotation = await (await context.driver('alternating-users')).rotate(arn);

      // Assess
      expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
      expect(await context.target.canLogin(squatter)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(true);
      expect((await context.state(arn)).stages[Object.keys(before.stages)[0] as string]).toEqual(['AWSCURRENT']);
    });

    it('takes over an existing clone when ADOPT_EXISTING_USER is true', async () => {
      const { user, arn } = await context.userWithSecret('alternating-users');
      const existing = await context.createUser('x', `${user.username}_clone`);
      const driver = await context.driver('alternating-users', { ADOPT_EXISTING_USER: 'true' });

      expectSucceeded(await driver.rotate(arn));

      const current = await context.current(arn);
      expect(current.username).toBe(existing.username);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(existing)).toBe(false);
    });

    it('fails at createSecret, writing nothing, when masterarn is missing', async () => {
      const user = await context.createUser();
      const arn = await context.createSecret(context.target.secretFor(user));

      const rotation = await (await context.driver('alternating-users')).rotate(arn);

      expectRotationError(rotation, 'MASTER_SECRET', 'masterarn');
      expect(rotation.steps).toHaveLength(1);
      expect(context.sm.versions(arn).filter((version) => version.secretString !== undefined)).toHaveLength(1);
    });

    it('refuses a master secret for another host, creating no clone', async () => {
      const user = await context.createUser();
      const master = { ...context.target.secretFor(context.target.master), host: 'db.elsewhere.invalid' };
      const masterArn = await context.createSecret(master);
      const arn = await context.createSecret({ ...context.target.secretFor(user), masterarn: masterArn });

      const rotation = await (await context.driver('alternating-users')).rotate(arn);

      expectRotationError(rotation, 'MASTER_SECRET', 'host');
      expect(await context.target.userExists(`${user.username}_clone`)).toBe(false);
    });

    it('fails with the master login named, creating no clone, when the master password is wrong', async () => {
      const user = await context.createUser();
      const master = { ...context.target.secretFor(context.target.master), password: testPassword() };
      const masterArn = await context.createSecret(master);
      const arn = await context.createSecret({ ...context.target.secretFor(user), masterarn: masterArn });

      const rotation = await (await context.driver('alternating-users')).rotate(arn);

      const error = expectRotationError(rotation, 'ENGINE_AUTH');
      expect((error as unknown as { login: string }).login).toBe('master');
      expect(await context.target.userExists(`${user.username}_clone`)).toBe(false);
    });

    it('refuses at createSecret an alternate name longer than the engine allows', async () => {
      const long = uniqueName('l').padEnd(fixture.maxUsernameLength - 2, 'x');
      const user = await context.createUser('l', long);
      const arn = await context.createSecret({ ...context.target.secretFor(user), masterarn: await context.masterArn() });

      const rotation = await (await context.driver('alternating-users')).rotate(arn);

      expectRotationError(rotation, 'USERNAME_TOO_LONG', 'username');
      expect(rotation.steps).toHaveLength(1);
    });

    it('writes no password or secret string to any log line or error', () => {
      context.collectStoredSecrets();
      expect(context.leaks.stats().outputs).toBeGreaterThan(10);
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

export { describeAlternatingUsersContract };
