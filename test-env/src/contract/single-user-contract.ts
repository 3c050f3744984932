import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from '../output-capture.js';
import { STEPS } from '../rotation-driver.js';
import { expectFinishedStages, expectRotationError, expectSucceeded, expectTwoRotations } from './assertions.js';
import { ContractContext } from './contract-context.js';
import type { EngineFixture } from './engine-fixture.js';

/** Every printable ASCII punctuation character, the set GetRandomPassword draws from. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** The single-user half of the contract: the user changes its own password. */
function describeSingleUserContract(fixture: EngineFixture): void {
  describe(`single-user rotation (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    const keepsPrevious = fixture.keepsPreviousPassword ?? false;
    beforeAll(() => context.start());
    afterAll(() => context.stop());

    it('changes the password so that only the new one logs in when rotated', async () => {
      // Prepare
      const { user, arn } = await context.userWithSecret('single-user');
      const before = await context.stages(arn);
      const driver = await context.driver('single-user');

      // Act
      const rotation = await driver.rotate(arn);

      // Assess
      expectSucceeded(rotation);
      const current = await context.current(arn);
      expect(current.username).toBe(user.username);
      expect(current.password).not.toBe(user.password);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(keepsPrevious);
      const after = await context.stages(arn);
      const previousVersion = Object.keys(before)[0] as string;
      expectFinishedStages(after[rotation.token]);
      expect(after[previousVersion]).toEqual(['AWSPREVIOUS']);
      // Debug logging is on (the leak detector searches it too), and one CloudWatch EMF line per step, the last
      // one counting the completed rotation.
      const lines = jsonLines(rotation.steps.map((step) => step.output).join(''));
      expect(lines.filter((line) => line.level === 'DEBUG').length).toBeGreaterThan(2);
      const metrics = lines.filter((line) => '_aws' in line);
      expect(metrics.map((line) => line.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
      expect(metrics.at(-1)).toMatchObject({ Engine: fixture.engine, Strategy: 'single-user', RotationCompleted: 1, StepFailed: 0 });
    });

    it('rotates from the rotated password when rotated twice', async () => {
      const { arn } = await context.userWithSecret('single-user');
      const driver = await context.driver('single-user');

      expectSucceeded(await driver.rotate(arn));
      const first = await context.current(arn);
      expectSucceeded(await driver.rotate(arn));
      const second = await context.current(arn);

      expect(second.password).not.toBe(first.password);
      expect(await context.target.canLogin(second)).toBe(true);
      expect(await context.target.canLogin(first)).toBe(keepsPrevious);
      // Zero-downtime engines keep exactly one previous password: the one before it no longer works.
      expectSucceeded(await driver.rotate(arn));
      const third = await context.current(arn);
      expect(await context.target.canLogin(third)).toBe(true);
      expect(await context.target.canLogin(first)).toBe(false);
    });

    it('reaches the same end state when every step is invoked twice', async () => {
      const { user, arn } = await context.userWithSecret('single-user');
      const driver = await context.driver('single-user');
      const token = await driver.start(arn);

      for (const step of STEPS) {
        expectSucceeded(await driver.invoke(step, arn, token));
        expectSucceeded(await driver.invoke(step, arn, token));
      }

      const current = await context.current(arn);
      expectFinishedStages((await context.stages(arn))[token]);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(keepsPrevious);
    });

    it('completes when a new container retries after a failure following setSecret', async () => {
      // Prepare: setSecret changes the password, then testSecret fails (Secrets Manager errors in a cold container).
      const { user, arn } = await context.userWithSecret('single-user');
      const driver = await context.driver('single-user');
      const token = await driver.start(arn);
      expectSucceeded(await driver.runSteps(arn, token, { until: 'setSecret' }));
      context.sm.injectFault({ operation: 'DescribeSecret', error: 'InternalServiceError', times: 3 });
      const failed = await driver.invoke('testSecret', arn, token, await context.coldHandler('single-user'));
      expectRotationError(failed, 'SECRETS_MANAGER');
      context.sm.clearFaults();

      // Act: the service retries the whole rotation with the same token, from another container.
      const retried = await driver.resume(arn, { handler: await context.coldHandler('single-user') });

      // Assess
      expectSucceeded(retried);
      expect(retried.token).toBe(token);
      const current = await context.current(arn);
      expect(await context.target.canLogin(current)).toBe(true);
      expect(await context.target.canLogin(user)).toBe(keepsPrevious);
    });

    it('rotates again when the service left AWSPENDING on the finished version', async () => {
      // Prepare: the other documented end state, whatever this run's default is.
      const { user, arn } = await context.userWithSecret('single-user');
      const driver = await context.driver('single-user');
      await context.withPendingAfterRotation('kept', async () => {
        // Act
        const first = await driver.rotate(arn);
        const repeated = await driver.invoke('finishSecret', arn, first.token);
        const second = await driver.rotate(arn);

        // Assess: each rotation finished with AWSPENDING still on its version; a repeated finishSecret is a no-op.
        expectSucceeded(repeated);
        expectTwoRotations(await context.stages(arn), first, second, 'kept');
        const current = await context.current(arn);
        expect(await context.target.canLogin(current)).toBe(true);
        expect(await context.target.canLogin(user)).toBe(false);
      });
    });

    it('rotates users whose names need quoting without running any injected statement', async () => {
      // Hostile names try to drop this role; it must survive every rotation.
      const canary = await context.createUser('c', 'rotation_canary');
      for (const name of fixture.hostileUsernames) {
        const user = await context.createUser('h', name);
        const arn = await context.createSecret(context.target.secretFor(user));
        const rotation = await (await context.driver('single-user')).rotate(arn);
        expectSucceeded(rotation);
        // A name holding a newline must not forge a log line: every line is one JSON object.
        for (const line of rotation.steps.flatMap((step) => step.output.split('\n')).filter(Boolean)) {
          expect(() => JSON.parse(line), line).not.toThrow();
        }
        const current = await context.current(arn);
        expect(current.username).toBe(name);
        expect(await context.target.canLogin(current)).toBe(true);
        expect(await context.target.canLogin(user)).toBe(keepsPrevious);
      }
      expect(await context.target.canLogin(canary)).toBe(true);
    });

    it('rotates from and to passwords holding every punctuation character when EXCLUDE_CHARACTERS is empty', async () => {
      // Prepare: the current password already holds every printable punctuation character.
      const user = { username: `p${Date.now().toString(36)}`, password: `Aa1${PUNCTUATION}` };
      context.leaks.addSecret(user.password);
      await context.target.createUser(user);
      const arn = await context.createSecret(context.target.secretFor(user));
      const driver = await context.driver('single-user', { EXCLUDE_CHARACTERS: '', PASSWORD_LENGTH: '64' });

      // Act: two rotations, so a generated punctuation-heavy password is also rotated away from.
      expectSucceeded(await driver.rotate(arn));
      const first = await context.current(arn);
      expectSucceeded(await driver.rotate(arn));
      const second = await context.current(arn);

      // Assess
      expect([...first.password].some((c) => PUNCTUATION.includes(c))).toBe(true);
      expect(await context.target.canLogin(second)).toBe(true);
      expect(await context.target.canLogin(first)).toBe(keepsPrevious);
      expect(await context.target.canLogin(user)).toBe(false);
    });

    it('puts the Lambda context on every log line, as a Powertools Logger does, and marks only the first invocation cold', async () => {
      const { arn } = await context.userWithSecret('single-user');
      const driver = await context.driver('single-user');
      const handler = await context.coldHandler('single-user');

      const rotation = await driver.rotate(arn, { handler });

      expectSucceeded(rotation);
      const lines = rotation.steps.map((step) => jsonLines(step.output).filter((line) => typeof line.message === 'string'));
      for (const line of lines.flat()) {
        expect(line).toMatchObject({ service: 'rotation-lambdas', function_name: 'rotation', function_request_id: expect.any(String) });
      }
      expect(lines.map((step) => step[0]?.cold_start)).toEqual([true, false, false, false]);
      const requestIds = lines.map((step) => new Set(step.map((line) => line.function_request_id)));
      expect(requestIds.every((ids) => ids.size === 1)).toBe(true);
    });

    it('writes no password or secret string to any log line or error', () => {
      context.collectStoredSecrets();
      const stats = context.leaks.stats();
      expect(stats.secrets).toBeGreaterThan(5);
      expect(stats.outputs).toBeGreaterThan(10);
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

export { describeSingleUserContract, PUNCTUATION };
