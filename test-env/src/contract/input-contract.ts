import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogueRow, writeReliabilityResults } from '../reliability-results.js';
import type { RotationOutcome, StepOutcome } from '../rotation-driver.js';
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

const NUL = String.fromCharCode(0);

const BAD_CURRENT: readonly BadCurrentCase[] = [
  { name: 'malformed JSON', value: (valid) => `${JSON.stringify(valid).slice(0, -1)},`, code: 'INVALID_SECRET' },
  { name: 'JSON that is not an object', value: (valid) => JSON.stringify([valid]), code: 'INVALID_SECRET' },
  { name: 'a JSON string instead of an object', value: () => JSON.stringify('username=app'), code: 'INVALID_SECRET' },
  { name: 'a missing host', value: ({ host: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'host' },
  { name: 'a missing username', value: ({ username: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'username' },
  { name: 'a missing password', value: ({ password: _, ...rest }) => rest, code: 'INVALID_SECRET', field: 'password' },
  { name: 'an empty username', value: (valid) => ({ ...valid, username: '' }), code: 'INVALID_SECRET', field: 'username' },
  { name: 'a numeric username', value: (valid) => ({ ...valid, username: 42 }), code: 'INVALID_SECRET', field: 'username' },
  { name: 'a numeric password', value: (valid) => ({ ...valid, password: 12345678 }), code: 'INVALID_SECRET', field: 'password' },
  { name: 'a numeric host', value: (valid) => ({ ...valid, host: 127001 }), code: 'INVALID_SECRET', field: 'host' },
  { name: 'a username holding NUL', value: (valid) => ({ ...valid, username: `app${NUL}x` }), code: 'INVALID_SECRET', field: 'username' },
  { name: 'a host holding NUL', value: (valid) => ({ ...valid, host: `db${NUL}.example` }), code: 'INVALID_SECRET', field: 'host' },
  { name: 'an unknown engine', value: (valid) => ({ ...valid, engine: 'oracle' }), code: 'INVALID_SECRET', field: 'engine' },
  { name: 'a port out of range', value: (valid) => ({ ...valid, port: 70000 }), code: 'INVALID_SECRET', field: 'port' },
  { name: 'a port of zero', value: (valid) => ({ ...valid, port: 0 }), code: 'INVALID_SECRET', field: 'port' },
  { name: 'a port that is an object', value: (valid) => ({ ...valid, port: { value: 1 } }), code: 'INVALID_SECRET', field: 'port' },
  { name: 'a port with letters', value: (valid) => ({ ...valid, port: '54a2' }), code: 'INVALID_SECRET', field: 'port' },
  { name: 'an ssl value that is not a boolean', value: (valid) => ({ ...valid, ssl: 'maybe' }), code: 'INVALID_SECRET', field: 'ssl' },
  { name: 'a masterarn that is not a string', value: (valid) => ({ ...valid, masterarn: 7 }), code: 'INVALID_SECRET', field: 'masterarn' },
];

/** Secrets valid in shape that the server must refuse: errors at setSecret, nothing changed. */
interface BadServerCase {
  readonly name: string;
  readonly value: (valid: Record<string, unknown>) => Record<string, unknown>;
  readonly code: Record<Strategy, string>;
  readonly needsDbname?: boolean;
}

const BAD_FOR_SERVER: readonly BadServerCase[] = [
  {
    name: 'a username with a look-alike Cyrillic letter',
    value: (valid) => ({ ...valid, username: String(valid.username).replace('u', '\u0443') }),
    code: { 'single-user': 'ENGINE_AUTH', 'alternating-users': 'ENGINE_AUTH' },
  },
  {
    name: 'a 200-character username',
    value: (valid) => ({ ...valid, username: 'u'.repeat(200) }),
    code: { 'single-user': 'ENGINE_AUTH', 'alternating-users': 'USERNAME_TOO_LONG' },
  },
  {
    name: 'an injection-shaped database name',
    value: (valid) => ({ ...valid, dbname: `x"; DROP DATABASE postgres; -- \` or '1'='1` }),
    code: { 'single-user': 'ENGINE_AUTH', 'alternating-users': 'ENGINE_AUTH' },
    needsDbname: true,
  },
  {
    name: 'a host that does not resolve',
    value: (valid) => ({ ...valid, host: 'db.does-not-exist.invalid' }),
    code: { 'single-user': 'ENGINE_UNREACHABLE', 'alternating-users': 'ENGINE_UNREACHABLE' },
  },
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
    const catalogue: CatalogueRow[] = [];
    beforeAll(() => context.start());
    afterAll(async () => {
      writeReliabilityResults(`${fixture.engine}-catalogue`, 'catalogue', catalogue);
      await context.stop();
    });

    /** Records a case for the reliability report; `unchanged` is what the test checked, not assumed. */
    function record(strategy: Strategy | 'event', input: string, outcome: StepOutcome | RotationOutcome, unchanged: boolean): void {
      const error = outcome.error as { code?: string; field?: string } | undefined;
      catalogue.push({ handler: `${fixture.engine}-${strategy}`, input, code: error?.code ?? 'none', field: error?.field, unchanged });
    }

    for (const strategy of ['single-user', 'alternating-users'] as const satisfies readonly Strategy[]) {
      for (const bad of BAD_CURRENT) {
        it(`refuses ${bad.name} at createSecret, writing nothing (${strategy})`, async () => {
          const user = await context.createUser();
          const valid = { ...context.target.secretFor(user), masterarn: await context.masterArn() };
          const arn = await context.createSecret(bad.value(valid));

          const rotation = await (await context.driver(strategy)).rotate(arn);

          expectRotationError(rotation, bad.code, bad.field);
          expect(rotation.steps.map((step) => step.step)).toEqual(['createSecret']);
          const written = context.sm.versions(arn).filter((version) => version.secretString !== undefined);
          const loginWorks = await context.target.canLogin(user);
          record(strategy, bad.name, rotation, written.length === 1 && loginWorks);
          expect(written).toHaveLength(1);
          expect(loginWorks).toBe(true);
        });
      }

      for (const bad of BAD_FOR_SERVER.filter((item) => !item.needsDbname || fixture.comparedFields.includes('dbname'))) {
        it(`refuses ${bad.name} with ${bad.code[strategy]}, changing nothing (${strategy})`, async () => {
          const user = await context.createUser();
          const valid = { ...context.target.secretFor(user), masterarn: await context.masterArn() };
          const arn = await context.createSecret(bad.value(valid));
          const before = (await context.state(arn)).values;

          const rotation = await (await context.driver(strategy)).rotate(arn);

          expectRotationError(rotation, bad.code[strategy]);
          const current = Object.values(before)[0];
          const stillCurrent = (await context.current(arn)).password === JSON.parse(current ?? '{}').password;
          const loginWorks = await context.target.canLogin(user);
          const cloneExists = await context.target.userExists(`${user.username}_clone`);
          record(strategy, bad.name, rotation, stillCurrent && loginWorks && !cloneExists);
          expect({ stillCurrent, loginWorks, cloneExists }).toEqual({ stillCurrent: true, loginWorks: true, cloneExists: false });
        });
      }

      if (strategy === 'alternating-users') {
        it('refuses a malformed rotation_users record at createSecret (alternating-users)', async () => {
          const user = await context.createUser();
          const arn = await context.createSecret({
            ...context.target.secretFor(user),
            masterarn: await context.masterArn(),
            rotation_users: { original: user.username },
          });

          const rotation = await (await context.driver(strategy)).rotate(arn);

          expectRotationError(rotation, 'INVALID_SECRET', 'rotation_users');
          const written = context.sm.versions(arn).filter((version) => version.secretString !== undefined).length;
          record(strategy, 'a malformed rotation_users record', rotation, written === 1);
          expect(written).toBe(1);
        });
      }

      it(`rotates a user whose current password is not ASCII (${strategy})`, async () => {
        const user = { username: `n${Date.now().toString(36)}${strategy.length}`, password: 'Пароль-密码-ÄÖÜ-ß-1' };
        context.leaks.addSecret(user.password);
        await context.target.createUser(user);
        const masterarn = strategy === 'alternating-users' ? { masterarn: await context.masterArn() } : {};
        const arn = await context.createSecret({ ...context.target.secretFor(user), ...masterarn });

        const rotation = await (await context.driver(strategy)).rotate(arn);

        expectSucceeded(rotation);
        record(strategy, 'a non-ASCII current password (accepted)', rotation, true);
        expect(await context.target.canLogin(await context.current(arn))).toBe(true);
      });

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
          const loginWorks = await context.target.canLogin(user);
          const cloneExists = await context.target.userExists(`${user.username}_clone`);
          record(strategy, `pending ${field} differs`, outcome, loginWorks && !cloneExists);
          expect(loginWorks).toBe(true);
          expect(cloneExists).toBe(false);
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

        const outcome = await driver.invoke('setSecret', arn, token);
        expectSucceeded(outcome);
        record(strategy, 'pending host differs only by case and trailing dot (accepted)', outcome, true);
      });

      it(`refuses a token that is not a version of the secret (${strategy})`, async () => {
        const { arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        await driver.start(arn);

        const before = await context.state(arn);
        const outcome = await driver.invoke('createSecret', arn, '00000000-0000-4000-8000-000000000000');
        expectRotationError(outcome, 'STAGING_LABEL', 'ClientRequestToken');
        const unchanged = JSON.stringify(await context.state(arn)) === JSON.stringify(before);
        record(strategy, 'unknown token', outcome, unchanged);
        expect(unchanged).toBe(true);
      });

      it(`refuses a token staged AWSPREVIOUS, not AWSPENDING (${strategy})`, async () => {
        const { arn } = await context.userWithSecret(strategy);
        const driver = await context.driver(strategy);
        const first = Object.keys(await context.stages(arn))[0] as string;
        expectSucceeded(await driver.rotate(arn));
        expect((await context.stages(arn))[first]).toEqual(['AWSPREVIOUS']);

        const before = await context.state(arn);
        const outcome = await driver.invoke('setSecret', arn, first);
        expectRotationError(outcome, 'STAGING_LABEL', 'ClientRequestToken');
        const unchanged = JSON.stringify(await context.state(arn)) === JSON.stringify(before);
        record(strategy, 'token staged AWSPREVIOUS', outcome, unchanged);
        expect(unchanged).toBe(true);
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

        const outcome = await driver.invoke('createSecret', arn, token);
        expectRotationError(outcome, 'ROTATION_NOT_ENABLED');
        const loginWorks = await context.target.canLogin(user);
        const written = context.sm.versions(arn).filter((version) => version.secretString !== undefined).length;
        record(strategy, 'rotation disabled', outcome, loginWorks && written === 1);
        expect(loginWorks).toBe(true);
        expect(written).toBe(1);
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

        const outcome = await driver.invokeEvent(bad.event(arn));
        expectRotationError(outcome, 'INVALID_EVENT', bad.field);
        record('event', bad.name, outcome, context.sm.callCount() === 0);
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
