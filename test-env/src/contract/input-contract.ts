import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRotationError, expectSucceeded } from './assertions.js';
import { ContractContext, testPassword } from './contract-context.js';
import type { EngineFixture, Strategy } from './engine-fixture.js';

/** A secret value that createSecret must refuse, with the error it must raise. */
interface BadCurrentCase {
  readonly name: string;
  readonly value: (valid: Record<string, unknown>) => Record<string, unknown> | string;
  readonly code: string;
  readonly field?: string;
}

const BAD_CURRENT: readonly BadCurrentCase[] = [
  { name: 'malformed JSON', value: (valid) => `${JSON.stringify(valid).slice(0, -1)},`, code: 'INVALID_SECRET' },
  { name: 'JSON that is not an object', value: (valid) => JSON.stringify([valid]), code: 'INVALID_SECRET' },
  { name: 'a missing host', value: ({ host: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'host' },
  { name: 'a missing username', value: ({ username: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'username' },
  { name: 'a missing password', value: ({ password: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'password' },
  { name: 'a numeric username', value: (valid) => ({ ...valid, username: 42 }), code: 'INVALID_SECRET', field: 'username' },
  { name: 'an unknown engine', value: (valid) => ({ ...valid, engine: 'oracle' }), code: 'INVALID_SECRET', field: 'engine' },
  { name: 'a port out of range', value: (valid) => ({ ...valid, port: 70000 }), code: 'INVALID_SECRET', field: 'port' },
  { name: 'an ssl value that is not a boolean', value: (valid) => ({ ...valid, ssl: 'maybe' }), code: 'INVALID_SECRET', field: 'ssl' },
];

/** A pending version differing from current in one compared field. */
function tamper(field: string, pending: Record<string, unknown>, fixture: EngineFixture): Record<string, unknown> {
  switch (field) {
    case 'host':
      return { ...pending, host: 'db.elsewhere.invalid' };
    case 'port':
      return { ...pending, port: Number(pending.port) + 1 };
    case 'engine':
      return { ...pending, engine: fixture.engineAlias };
    case 'username':
      return { ...pending, username: `${String(pending.username)}x` };
    default:
      return { ...pending, [field]: `other_${field}` };
  }
}

/** Bad events, secrets and staging states: each a typed error naming the field or rule, nothing changed. */
function describeInputContract(fixture: EngineFixture): void {
  describe(`rotation input checks (${fixture.engine})`, () => {
    const context = new ContractContext(fixture);
    beforeAll(() => context.start());
    afterAll(() => context.stop());

    for (const strategy of ['single-user', 'alternating-users'] as const satisfies readonly Strategy[]) {
      for (const bad of BAD_CURRENT) {
        it(`refuses ${bad.name} at createSecret, writing nothing (${strategy})`, async () => {
          const user = await context.createUser();
          const valid = { ...context.target.secretFor(user), masterarn: await context.masterArn() };
          const arn = await context.createSecret(bad.value(valid));

          const rotation = await (await context.driver(strategy)).rotate(arn);

          expectRotationError(rotation, bad.code, bad.field);
          expect(rotation.steps.map((step) => step.step)).toEqual(['createSecret']);
          expect(context.sm.versions(arn).filter((version) => version.secretString !== undefined)).toHaveLength(1);
          expect(await context.target.canLogin(user)).toBe(true);
        });
      }

      for (const field of [...fixture.comparedFields, 'username']) {
        it(`refuses at setSecret a pending version whose ${field} differs, changing nothing (${strategy})`, async () => {
          // Prepare: a rotation whose AWSPENDING was written by someone else.
          const { user, arn } = await context.userWithSecret(strategy);
          const driver = await context.driver(strategy);
          const token = await driver.start(arn);
          const pending = {
            ...(await context.current(arn)),
            ...(strategy === 'alternating-users' ? { username: `${user.username}_clone` } : {}),
            password: 'Tampered-Password-1',
          };
          await context.putPending(arn, token, tamper(field, pending, fixture));

          // Act
          const outcome = await driver.invoke('setSecret', arn, token);

          // Assess
          expectRotationError(outcome, 'RESOURCE_MISMATCH', field);
          expect(await context.target.canLogin(user)).toBe(true);
          expect(await context.target.userExists(`${user.username}_clone`)).toBe(false);
        });
      }

      it(`accepts at setSecret a pending host differing only by case and a trailing dot (${strategy})`, async () => {
        const { user, arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        const token = await driver.start(arn);
        const current = await context.current(arn);
        await context.putPending(arn, token, {
          ...current,
          ...(strategy === 'alternating-users' ? { username: `${user.username}_clone` } : {}),
          host: `${String(current.host).toUpperCase()}.`,
          password: testPassword(),
        });

        expectSucceeded(await driver.invoke('setSecret', arn, token));
      });

      it(`refuses a token that is not a version of the secret (${strategy})`, async () => {
        const { arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        await driver.start(arn);

        expectRotationError(await driver.invoke('createSecret', arn, '00000000-0000-4000-8000-000000000000'), 'STAGING_LABEL', 'ClientRequestToken');
      });

      it(`refuses a token staged AWSPREVIOUS, not AWSPENDING (${strategy})`, async () => {
        const { arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        const first = Object.keys(await context.stages(arn))[0] as string;
        expectSucceeded(await driver.rotate(arn));
        expect((await context.stages(arn))[first]).toEqual(['AWSPREVIOUS']);

        expectRotationError(await driver.invoke('setSecret', arn, first), 'STAGING_LABEL', 'ClientRequestToken');
      });

      it(`does nothing and succeeds when the token is already AWSCURRENT (${strategy})`, async () => {
        const { arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        expectSucceeded(await driver.rotate(arn));
        const after = await context.state(arn);
        const token = Object.entries(after.stages).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0] as string;

        for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
          const outcome = await driver.invoke(step, arn, token);
          expectSucceeded(outcome);
          expect(outcome.output).toContain('already AWSCURRENT');
        }
        expect(await context.state(arn)).toEqual(after);
      });

      it(`refuses a secret whose rotation is disabled (${strategy})`, async () => {
        const { user, arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        const token = await driver.start(arn);
        context.sm.setRotationEnabled(arn, false);

        expectRotationError(await driver.invoke('createSecret', arn, token), 'ROTATION_NOT_ENABLED');
        expect(await context.target.canLogin(user)).toBe(true);
      });
    }

    const badEvents: readonly { name: string; event: (arn: string) => unknown; field?: string }[] = [
      { name: 'an event that is not an object', event: () => 'createSecret' },
      { name: 'a missing Step', event: (arn) => ({ SecretId: arn, ClientRequestToken: 't' }), field: 'Step' },
      { name: 'an unknown Step', event: (arn) => ({ Step: 'dropSecret', SecretId: arn, ClientRequestToken: 't' }), field: 'Step' },
      { name: 'a missing SecretId', event: () => ({ Step: 'createSecret', ClientRequestToken: 't' }), field: 'SecretId' },
      { name: 'a numeric ClientRequestToken', event: (arn) => ({ Step: 'createSecret', SecretId: arn, ClientRequestToken: 7 }), field: 'ClientRequestToken' },
    ];
    for (const bad of badEvents) {
      it(`refuses ${bad.name} before calling any service`, async () => {
        const { arn } = await context.userWithSecret('single-user');
        const driver = await context.driver('single-user');
        context.sm.resetCalls();

        expectRotationError(await driver.invokeEvent(bad.event(arn)), 'INVALID_EVENT', bad.field);
        expect(context.sm.callCount()).toBe(0);
      });
    }

    it('writes no password or secret string to any log line or error', () => {
      context.collectStoredSecrets();
      expect(context.leaks.findLeaks()).toEqual([]);
    });
  });
}

export { describeInputContract };
