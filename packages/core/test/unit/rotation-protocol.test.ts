import { describe, expect, it } from 'vitest';
import { createAlternatingUsersRotation } from '../../src/alternating-users.js';
import { readRotationConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import type { RdsLookups } from '../../src/rds-topology.js';
import { createSingleUserRotation } from '../../src/single-user.js';
import { FakeEngine, FakeSecretsManager } from './fakes.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const noRds: RdsLookups = {
  describeInstance: () => Promise.reject(new Error('no RDS in unit tests')),
  describeCluster: () => Promise.reject(new Error('no RDS in unit tests')),
};

function setup(current: Record<string, unknown>, env: Record<string, string> = {}) {
  const sm = new FakeSecretsManager(current);
  const engine = new FakeEngine();
  const config = readRotationConfig(env, engine.defaults);
  const options = { engine, config, secretsManager: sm as never, rds: noRds, logger: silent, metrics: () => undefined };
  return { sm, engine, single: createSingleUserRotation(options), alternating: createAlternatingUsersRotation(options) };
}

const event = (Step: string, token = 'tok') => ({ Step, SecretId: 'app', ClientRequestToken: token });
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

describe('rotation protocol (fake engine)', () => {
  it('uses at most 11 Secrets Manager calls for a single-user rotation in one container', async () => {
    const { sm, engine, single } = setup({ username: 'app', password: 'old-password', host: 'db' });
    engine.users.set('app', { password: 'old-password', marker: undefined });
    sm.startRotation('tok');

    for (const step of STEPS) await single(event(step));

    expect(sm.calls.length).toBeLessThanOrEqual(11);
    expect(sm.value('tok')).toMatchObject({ username: 'app', host: 'db' });
    expect(engine.users.get('app')?.password).toBe(sm.value('tok')?.password);
  });

  it('treats setSecret as done when current no longer logs in but pending does', async () => {
    const { sm, engine, single } = setup({ username: 'app', password: 'old-password', host: 'db' });
    engine.users.set('app', { password: 'old-password', marker: undefined });
    sm.startRotation('tok');
    await single(event('createSecret'));
    engine.users.set('app', { password: String(sm.value('tok')?.password), marker: undefined });

    await single(event('setSecret'));

    expect(engine.changes).toEqual([]);
  });

  it('abandons setSecret when neither current nor pending logs in', async () => {
    const { sm, engine, single } = setup({ username: 'app', password: 'old-password', host: 'db' });
    engine.users.set('app', { password: 'someone-elses', marker: undefined });
    sm.startRotation('tok');
    await single(event('createSecret'));

    await expect(single(event('setSecret'))).rejects.toMatchObject({ code: 'ENGINE_AUTH', login: 'current', step: 'setSecret' });
    expect(engine.changes).toEqual([]);
  });

  it('keeps the first pending value when a concurrent createSecret stored one', async () => {
    const { sm, single } = setup({ username: 'app', password: 'old-password', host: 'db' });
    sm.startRotation('tok');
    sm.putConflict = true;

    await expect(single(event('createSecret'))).resolves.toBeUndefined();
  });

  it('refuses a secret other than the one SECRET_ARN pins, before any call', async () => {
    const { sm, single } = setup({ username: 'app', password: 'p', host: 'db' }, { SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:other' });
    sm.startRotation('tok');

    await expect(single({ ...event('createSecret'), SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:mine' })).rejects.toMatchObject({
      code: 'SECRET_NOT_ALLOWED',
    });
    expect(sm.calls).toEqual([]);
  });

  it('accepts the pinned secret when the event names it by name and DescribeSecret returns the pinned ARN', async () => {
    const { sm, single } = setup({ username: 'app', password: 'p', host: 'db' }, { SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf' });
    sm.startRotation('tok');

    await expect(single(event('createSecret'))).resolves.toBeUndefined();
  });

  it('records the user pair and uses the master to create a marked clone', async () => {
    const { sm, engine, alternating } = setup({ username: 'app', password: 'old', host: 'db', masterarn: 'master' });
    engine.users.set('app', { password: 'old', marker: undefined });
    engine.users.set('admin', { password: 'admin-pw', marker: undefined });
    sm.others.set('master', { arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:master-XyZ123', name: 'master', value: JSON.stringify({ username: 'admin', password: 'admin-pw', host: 'db' }) });
    sm.startRotation('tok');

    for (const step of STEPS) await alternating(event(step));

    expect(sm.value('tok')).toMatchObject({ username: 'app_clone', rotation_users: { original: 'app', clone: 'app_clone' } });
    expect(engine.changes).toEqual([
      expect.objectContaining({ original: 'app', clone: 'app_clone', target: 'app_clone', createClone: true }),
    ]);
    expect(engine.users.get('app_clone')?.marker).toEqual({ secretArn: sm.arn, alternateOf: 'app' });
  });

  it('fails createSecret without writing when masterarn is missing (alternating users)', async () => {
    const { sm, alternating } = setup({ username: 'app', password: 'old', host: 'db' });
    sm.startRotation('tok');

    await expect(alternating(event('createSecret'))).rejects.toMatchObject({ code: 'MASTER_SECRET', field: 'masterarn' });
    expect(sm.calls).not.toContain('PutSecretValue');
    expect(sm.calls).not.toContain('GetRandomPassword');
  });

  it('returns a scrubbed RotationError when an engine throws a raw error carrying a secret', async () => {
    const { sm, engine, single } = setup({ username: 'app', password: 'Old-Password-1', host: 'db' });
    engine.users.set('app', { password: 'Old-Password-1', marker: undefined });
    engine.connect = () => Promise.reject(Object.assign(new Error('boom near Old-Password-1'), { sql: 'x Old-Password-1' }));
    sm.startRotation('tok');
    await single(event('createSecret'));

    const error = (await single(event('setSecret')).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error;

    expect(error).toMatchObject({ name: 'RotationError', code: 'ROTATION_FAILED', step: 'setSecret' });
    expect(JSON.stringify({ m: error.message, s: error.stack, c: String((error.cause as Error).message), k: Object.keys(error.cause as object) })).not.toContain(
      'Old-Password-1',
    );
  });
});
