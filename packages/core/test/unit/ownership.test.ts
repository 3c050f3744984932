import { describe, expect, it } from 'vitest';
import { createAlternatingUsersRotation } from '../../src/alternating-users.js';
import { readRotationConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import type { RdsLookups } from '../../src/rds-topology.js';
import { FakeEngine, FakeSecretsManager } from './fakes.js';

// Pure-logic proof of the ownership rules with a fake engine and Secrets Manager; the same attacks run against
// real servers in test-env's attacker contract, which every engine package runs.
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const noRds: RdsLookups = {
  describeInstance: () => Promise.reject(new Error('no RDS in unit tests')),
  describeCluster: () => Promise.reject(new Error('no RDS in unit tests')),
};
const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-XyZ123';
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const event = (Step: string, token = 'tok') => ({ Step, SecretId: 'app', ClientRequestToken: token });

function setup(current: Record<string, unknown>, env: Record<string, string> = {}) {
  const sm = new FakeSecretsManager({ host: 'db', masterarn: MASTER_ARN, ...current });
  sm.others.set(MASTER_ARN, { arn: MASTER_ARN, name: 'master', value: JSON.stringify({ username: 'admin', password: 'admin-pw', host: 'db' }) });
  const engine = new FakeEngine();
  engine.users.set('admin', { password: 'admin-pw', marker: undefined });
  const config = readRotationConfig(env, engine.defaults);
  const rotate = createAlternatingUsersRotation({ engine, config, secretsManager: sm as never, rds: noRds, logger: silent, metrics: () => undefined });
  async function run(): Promise<unknown> {
    sm.startRotation('tok');
    for (const step of STEPS) {
      const failure = await rotate(event(step)).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (failure !== undefined) return failure;
    }
    return undefined;
  }
  return { sm, engine, run };
}

describe('ownership rules (fake engine)', () => {
  it('refuses a rotation_users record naming the master, before anything is written', async () => {
    const { sm, engine, run } = setup({ username: 'app', password: 'app-pw', rotation_users: { original: 'admin', clone: 'app' } });
    engine.users.set('app', { password: 'app-pw', marker: undefined });

    expect(await run()).toMatchObject({ code: 'RESOURCE_MISMATCH', field: 'rotation_users', step: 'createSecret' });
    expect(sm.calls).not.toContain('PutSecretValue');
    expect(engine.changes).toEqual([]);
  });

  it('never includes the master in the pair: a secret for <master>_clone is refused', async () => {
    const { engine, run } = setup({ username: 'admin_clone', password: 'c-pw' });
    engine.users.set('admin_clone', { password: 'c-pw', marker: undefined });

    expect(await run()).toMatchObject({ code: 'RESOURCE_MISMATCH', field: 'username', step: 'setSecret' });
    expect(engine.changes).toEqual([]);
    expect(engine.users.get('admin')?.password).toBe('admin-pw');
  });

  it.each([
    ['carries no marker', undefined],
    ["carries another secret's marker", { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf', alternateOf: 'app' }],
    ['carries a marker for another original', { secretArn: 'SELF', alternateOf: 'someone' }],
  ])('refuses an existing clone that %s and no version of the secret opens', async (_, marker) => {
    const { sm, engine, run } = setup({ username: 'app', password: 'app-pw' });
    engine.users.set('app', { password: 'app-pw', marker: undefined });
    engine.users.set('app_clone', { password: 'theirs', marker: marker?.secretArn === 'SELF' ? { ...marker, secretArn: sm.arn } : marker });

    expect(await run()).toMatchObject({ code: 'ALTERNATE_USER_CONFLICT', field: 'username', step: 'setSecret' });
    expect(engine.changes).toEqual([]);
    expect(engine.users.get('app_clone')?.password).toBe('theirs');
  });

  it('does not take a password that works for an account that lets any password in as proof', async () => {
    const { engine, run } = setup({ username: 'app', password: 'app-pw' });
    engine.users.set('app', { password: 'app-pw', marker: undefined });
    engine.users.set('app_clone', { password: '', marker: undefined, nopass: true });

    expect(await run()).toMatchObject({ code: 'ALTERNATE_USER_CONFLICT', step: 'setSecret' });
    expect(engine.changes).toEqual([]);
  });

  it('refuses the original\'s turn when the current user lets any password in', async () => {
    const { engine, run } = setup({ username: 'victim_clone', password: 'anything' });
    engine.users.set('victim', { password: 'victim-pw', marker: undefined });
    engine.users.set('victim_clone', { password: '', marker: undefined, nopass: true });

    expect(await run()).toMatchObject({ code: 'ALTERNATE_USER_CONFLICT', step: 'setSecret' });
    expect(engine.users.get('victim')?.password).toBe('victim-pw');
  });

  it('manages and marks an unmarked clone whose password AWSPREVIOUS holds', async () => {
    const { sm, engine, run } = setup({ username: 'app', password: 'app-pw' });
    sm.versions.set('old', { value: JSON.stringify({ username: 'app_clone', password: 'clone-pw', host: 'db' }), stages: ['AWSPREVIOUS'] });
    engine.users.set('app', { password: 'app-pw', marker: undefined });
    engine.users.set('app_clone', { password: 'clone-pw', marker: undefined });

    expect(await run()).toBeUndefined();
    expect(engine.users.get('app_clone')?.marker).toEqual({ secretArn: sm.arn, alternateOf: 'app' });
  });

  it('lets ADOPT_EXISTING_USER take over an unmarked clone, but never another secret\'s', async () => {
    const unmarked = setup({ username: 'app', password: 'app-pw' }, { ADOPT_EXISTING_USER: 'true' });
    unmarked.engine.users.set('app', { password: 'app-pw', marker: undefined });
    unmarked.engine.users.set('app_clone', { password: 'theirs', marker: undefined });
    const foreign = setup({ username: 'app', password: 'app-pw' }, { ADOPT_EXISTING_USER: 'true' });
    foreign.engine.users.set('app', { password: 'app-pw', marker: undefined });
    foreign.engine.users.set('app_clone', { password: 'theirs', marker: { secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf', alternateOf: 'app' } });

    expect(await unmarked.run()).toBeUndefined();
    expect(await foreign.run()).toMatchObject({ code: 'ALTERNATE_USER_CONFLICT' });
  });

  it.each([
    ['a full ARN', MASTER_ARN, undefined],
    ['a partial ARN', MASTER_ARN.slice(0, -7), undefined],
    ['a name', 'master', undefined],
    ['another ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf', 'createSecret'],
    ['another name', 'other', 'setSecret'],
  ])('holds masterarn to MASTER_SECRET_ARN given as %s', async (_, pin, failsAt) => {
    const { engine, run } = setup({ username: 'app', password: 'app-pw' }, { MASTER_SECRET_ARN: pin });
    engine.users.set('app', { password: 'app-pw', marker: undefined });

    const failure = await run();

    if (failsAt === undefined) expect(failure).toBeUndefined();
    else expect(failure).toMatchObject({ code: 'MASTER_SECRET', field: 'masterarn', step: failsAt });
  });

  it('refuses a masterarn that names the rotated secret itself', async () => {
    const { sm, engine, run } = setup({ username: 'app', password: 'app-pw', masterarn: 'self' });
    sm.others.set('self', { arn: sm.arn, name: 'app', value: JSON.stringify({ username: 'app', password: 'app-pw', host: 'db' }) });
    engine.users.set('app', { password: 'app-pw', marker: undefined });

    expect(await run()).toMatchObject({ code: 'MASTER_SECRET', field: 'masterarn' });
    expect(engine.changes).toEqual([]);
  });

  it('refuses a pending version that turns TLS off', async () => {
    const { sm, engine } = setup({ username: 'app', password: 'app-pw' });
    engine.users.set('app', { password: 'app-pw', marker: undefined });
    const config = readRotationConfig({}, engine.defaults);
    const options = { engine, config, secretsManager: sm as never, rds: noRds, logger: silent, metrics: () => undefined };
    sm.startRotation('tok');
    await createAlternatingUsersRotation(options)(event('createSecret'));
    const pending = sm.versions.get('tok');
    if (pending) pending.value = JSON.stringify({ ...sm.value('tok'), ssl: false });

    // A new container: the tampered value is read, not one cached by the container that wrote the original.
    await expect(createAlternatingUsersRotation(options)(event('setSecret'))).rejects.toMatchObject({ code: 'RESOURCE_MISMATCH', field: 'ssl' });
    expect(engine.changes).toEqual([]);
  });
});
