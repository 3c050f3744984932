import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../database-server.js';
import { type CatalogueRow, writeReliabilityResults } from '../reliability-results.js';
import type { RotationOutcome } from '../rotation-driver.js';
import { expectRotationError, expectSucceeded } from './assertions.js';
import { ContractContext, testPassword, uniqueName } from './contract-context.js';
import type { EngineFixture } from './engine-fixture.js';

/**
 * The attacker writes the application secret: every field of every version is theirs, and they may hold
 * accounts on the server, but nothing of the master's. Each case performs the attack against the real server
 * and proves it fails with a typed error, the accounts involved and the secret's current version left as
 * they were. Results go to the reliability report's catalogue as `<engine>-attacks`.
 */
function describeAttackerContract(fixture: EngineFixture): void {
  describe(`attacker writes the application secret (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    const catalogue: CatalogueRow[] = [];
    beforeAll(() => context.start());
    afterAll(async () => {
      writeReliabilityResults(`${fixture.engine}-attacks`, 'catalogue', catalogue);
      await context.stop();
    });

    function record(attack: string, outcome: RotationOutcome, unchanged: boolean): void {
      const error = outcome.error as { code?: string; field?: string } | undefined;
      catalogue.push({ handler: `${fixture.engine}-alternating-users`, input: attack, code: error?.code ?? 'none', field: error?.field, unchanged });
    }

    /** The secret's AWSCURRENT value as it was before the attack, for the "secret unchanged" check. */
    async function currentValue(arn: string): Promise<string> {
      return JSON.stringify(await context.current(arn));
    }

    async function createOpenUser(username: string): Promise<void> {
      if (context.target.createOpenUser === undefined) throw new Error(`the ${fixture.engine} fixture sets openUsers but its target has no createOpenUser`);
      await context.target.createOpenUser(username);
    }

    async function rotateAlternating(arn: string, env: Record<string, string> = {}): Promise<RotationOutcome> {
      return (await context.driver('alternating-users', env)).rotate(arn);
    }

    it('refuses a rotation_users record naming the master as the original, changing neither account', async () => {
      const user = await context.createUser();
      const master = context.target.master;
      const arn = await context.createSecret({
        ...context.secretJson(user),
        masterarn: await context.masterArn(),
        rotation_users: { original: master.username, clone: user.username },
      });
      const before = await currentValue(arn);

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'rotation_users');
      const unchanged = {
        masterLogsIn: await context.target.canLogin(master),
        userLogsIn: await context.target.canLogin(user),
        secret: (await currentValue(arn)) === before,
      };
      record('rotation_users names the master as original', rotation, Object.values(unchanged).every(Boolean));
      expect(unchanged).toEqual({ masterLogsIn: true, userLogsIn: true, secret: true });
    });

    it('refuses a rotation_users record planted after a rotation that names another account as the original', async () => {
      // Prepare: a legitimate first rotation, then the writer plants a record naming a victim with privileges.
      const victim = await context.createUser('v');
      const probe = (fixture.enforcesPrivileges ?? true) ? await context.target.grantProbe(victim.username) : undefined;
      const { user, arn } = await context.userWithSecret('alternating-users');
      expectSucceeded(await rotateAlternating(arn));
      const clone = await context.current(arn);
      await context.putCurrent(arn, { ...clone, rotation_users: { original: victim.username, clone: clone.username } });
      const before = await currentValue(arn);

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'rotation_users');
      const unchanged = {
        victimLogsIn: await context.target.canLogin(victim),
        originalLogsIn: await context.target.canLogin(user),
        cloneLacksVictimPrivilege: probe === undefined ? true : !(await context.target.canUseProbe(clone, probe)),
        secret: (await currentValue(arn)) === before,
      };
      record('rotation_users planted to name another account', rotation, Object.values(unchanged).every(Boolean));
      expect(unchanged).toEqual({ victimLogsIn: true, originalLogsIn: true, cloneLacksVictimPrivilege: true, secret: true });
    });

    it('refuses a rotation_users record naming another account as the clone, leaving that account as it was', async () => {
      const victim = await context.createUser('v');
      const user = await context.createUser();
      const arn = await context.createSecret({
        ...context.secretJson(user),
        masterarn: await context.masterArn(),
        rotation_users: { original: user.username, clone: victim.username },
      });

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'rotation_users');
      const victimLogsIn = await context.target.canLogin(victim);
      record('rotation_users names another account as clone', rotation, victimLogsIn);
      expect(victimLogsIn).toBe(true);
    });

    it("never acts on the master's own account: a secret for <master>_clone is refused, the master unchanged", async () => {
      const master = context.target.master;
      const lookalike = await context.createUser('m', `${master.username}_clone`);
      const arn = await context.createSecret({ ...context.secretJson(lookalike), masterarn: await context.masterArn() });

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'username');
      const masterLogsIn = await context.target.canLogin(master);
      record('secret for <master>_clone targets the master', rotation, masterLogsIn);
      expect(masterLogsIn).toBe(true);
    });

    it('refuses a secret whose user is the master itself, creating no clone of it', async () => {
      const master = context.target.master;
      const arn = await context.createSecret({ ...context.secretJson(master), masterarn: await context.masterArn() });
      // Another case of this suite may have made an account of that name: what counts is that this one does not.
      const cloneBefore = await context.target.userExists(`${master.username}_clone`);

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'username');
      const unchanged = {
        masterLogsIn: await context.target.canLogin(master),
        noCloneMade: (await context.target.userExists(`${master.username}_clone`)) === cloneBefore,
      };
      record('secret names the master as its user', rotation, Object.values(unchanged).every(Boolean));
      expect(unchanged).toEqual({ masterLogsIn: true, noCloneMade: true });
    });

    it("does not let a second secret for the same user take over the first secret's clone", async () => {
      // Prepare: secret one rotates once, so its consumers now use the clone.
      const { user, arn: first } = await context.userWithSecret('alternating-users');
      expectSucceeded(await rotateAlternating(first));
      const firstClone = await context.current(first);
      const second = await context.createSecret({ ...context.secretJson(user), masterarn: await context.masterArn() });

      // Act: a second secret for the same user asks for the same clone.
      const rotation = await rotateAlternating(second);

      // Assess: refused; secret one's consumers keep working, and secret one still rotates.
      expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
      const cloneStillWorks = await context.target.canLogin(firstClone);
      record("a second secret adopts the first secret's clone", rotation, cloneStillWorks);
      expect(cloneStillWorks).toBe(true);
      expectSucceeded(await rotateAlternating(first));
      expectSucceeded(await rotateAlternating(first));
    });

    it('keeps rotating a secret re-applied without rotation_users, whichever user was current', async () => {
      for (const turns of [1, 2]) {
        const { arn } = await context.userWithSecret('alternating-users');
        for (let turn = 0; turn < turns; turn += 1) expectSucceeded(await rotateAlternating(arn));
        const { rotation_users: _, ...reapplied } = await context.current(arn);
        await context.putCurrent(arn, reapplied);

        expectSucceeded(await rotateAlternating(arn));
        expectSucceeded(await rotateAlternating(arn));

        expect(await context.target.canLogin(await context.current(arn))).toBe(true);
      }
    });

    it('refuses a masterarn other than the MASTER_SECRET_ARN the function was deployed with', async () => {
      const pinned = await context.masterArn();
      const other = await context.createSecret(context.secretJson(context.target.master), uniqueName('othermaster'));
      const user = await context.createUser();
      const arn = await context.createSecret({ ...context.secretJson(user), masterarn: other });

      const rotation = await rotateAlternating(arn, { MASTER_SECRET_ARN: pinned });

      expectRotationError(rotation, 'MASTER_SECRET', 'masterarn');
      const noClone = !(await context.target.userExists(`${user.username}_clone`));
      record('masterarn names a secret other than MASTER_SECRET_ARN', rotation, noClone);
      expect(noClone).toBe(true);
      // The pinned master by its partial ARN (no random suffix) is the same secret.
      const allowed = await context.createSecret({ ...context.secretJson(user), masterarn: pinned });
      expectSucceeded(await rotateAlternating(allowed, { MASTER_SECRET_ARN: pinned.slice(0, -7) }));
    });

    it('refuses a masterarn that names the secret being rotated', async () => {
      const user = await context.createUser();
      const arn = await context.createSecret(context.secretJson(user));
      await context.putCurrent(arn, { ...context.secretJson(user), masterarn: arn });

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'MASTER_SECRET', 'masterarn');
      const noClone = !(await context.target.userExists(`${user.username}_clone`));
      record('masterarn names the secret itself', rotation, noClone);
      expect(noClone).toBe(true);
    });

    // Only servers that have accounts taking any password can be attacked with one.
    if (fixture.openUsers !== true) return;

    it('refuses to adopt an existing clone that lets any password in, leaving it as it was', async () => {
      const user = await context.createUser();
      const clone = `${user.username}_clone`;
      await createOpenUser(clone);
      const arn = await context.createSecret({ ...context.secretJson(user), masterarn: await context.masterArn() });

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
      const stillOpen = await context.target.canLogin({ username: clone, password: testPassword() });
      record('clone squatted by an account that takes any password', rotation, stillOpen);
      expect(stillOpen).toBe(true);
    });

    it("refuses an open account named <victim>_clone as proof for the victim's password", async () => {
      const victim: Credentials = await context.createUser('v');
      await createOpenUser(`${victim.username}_clone`);
      const arn = await context.createSecret({
        ...context.secretJson({ username: `${victim.username}_clone`, password: testPassword() }),
        masterarn: await context.masterArn(),
      });

      const rotation = await rotateAlternating(arn);

      expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
      const victimUnchanged = await context.target.canLogin(victim);
      record('open <victim>_clone account vouches for the victim', rotation, victimUnchanged);
      expect(victimUnchanged).toBe(true);
    });
  });
}

export { describeAttackerContract };
