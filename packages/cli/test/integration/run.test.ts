import { RotationDriver } from '@rotation-lambdas/test-env';
import { ContractContext, expectFinishedStages } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFixture } from './postgres-fixture.js';
import { runCli } from './run-cli.js';

interface RunJson {
  readonly ok: boolean;
  readonly token: string;
  readonly steps: { step: string; ok: boolean; code?: string }[];
}

describe('rotate run (postgres)', () => {
  const context = new ContractContext(postgresFixture);
  beforeAll(() => context.start());
  afterAll(() => context.stop());

  const run = (args: string[]) => runCli(['run', ...args, '--endpoint', context.sm.endpoint]);

  it.each(['postgres-single-user', 'postgres-alternating-users'] as const)('runs the four steps and completes the rotation (%s)', async (handler) => {
    // Prepare
    const strategy = handler.endsWith('single-user') ? 'single-user' : 'alternating-users';
    const { user, arn } = await context.userWithSecret(strategy);

    // Act
    const result = await run(['--secret-id', arn, '--handler', handler, '--json']);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunJson;
    expect(report.steps.map((step) => [step.step, step.ok])).toEqual([
      ['createSecret', true],
      ['setSecret', true],
      ['testSecret', true],
      ['finishSecret', true],
    ]);
    expectFinishedStages((await context.stages(arn))[report.token]);
    const current = await context.current(arn);
    expect(await context.target.canLogin(current)).toBe(true);
    expect(current.username).toBe(strategy === 'single-user' ? user.username : `${user.username}_clone`);
  });

  it('prints progress per step in human form', async () => {
    const { arn } = await context.userWithSecret('single-user');

    const result = await run(['--secret-id', arn, '--handler', 'postgres-single-user']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ createSecret\s+\d+ ms\n\s+✓ setSecret\s+\d+ ms\n\s+✓ testSecret\s+\d+ ms\n\s+✓ finishSecret\s+\d+ ms\nRotation complete/);
  });

  it('refuses to start while another rotation of the secret is unfinished, and names its token', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    const driver = await context.driver('single-user');
    const token = await driver.start(arn);

    const result = await run(['--secret-id', arn, '--handler', 'postgres-single-user', '--json']);
    const human = await run(['--secret-id', arn, '--handler', 'postgres-single-user']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as RunJson & { pendingToken?: string };
    expect(report.steps[0]).toMatchObject({ step: 'createSecret', ok: false, code: 'ROTATION_IN_PROGRESS' });
    expect(report.pendingToken).toBe(token);
    expect(human.stdout).toContain(`Resume it: rotate run --secret-id ${arn} --handler postgres-single-user --token ${token}`);
    expect(Object.keys(await context.stages(arn))).toContain(token);
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it.each(['postgres-single-user', 'postgres-alternating-users'] as const)('resumes a rotation that stopped after setSecret from its token (%s)', async (handler) => {
    // Prepare: Secrets Manager ran createSecret and setSecret with the deployed function, then gave up.
    const strategy = handler.endsWith('single-user') ? 'single-user' : 'alternating-users';
    const { arn } = await context.userWithSecret(strategy);
    const driver = new RotationDriver({ secretsManager: context.sm.client(), handler: await context.handler(strategy) });
    const token = await driver.start(arn);
    for (const step of ['createSecret', 'setSecret'] as const) expect((await driver.invoke(step, arn, token)).ok).toBe(true);
    const pending = JSON.parse((await context.state(arn)).values[token] ?? '{}') as { password: string };

    // Act
    const result = await run(['--secret-id', arn, '--handler', handler, '--token', token, '--json']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as RunJson).steps.map((step) => [step.step, step.ok])).toEqual([
      ['createSecret', true],
      ['setSecret', true],
      ['testSecret', true],
      ['finishSecret', true],
    ]);
    expectFinishedStages((await context.stages(arn))[token]);
    const current = await context.current(arn);
    expect(current.password).toBe(pending.password);
    expect(await context.target.canLogin(current)).toBe(true);
  });

  it('fails with a named cause when no AWS region is configured', async () => {
    const result = await run(['--secret-id', 'x', '--handler', 'postgres-single-user', '--region', '']);
    const unset = await runCli(['run', '--secret-id', 'x', '--handler', 'postgres-single-user'], { AWS_REGION: undefined });

    for (const outcome of [result, unset]) {
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/^rotate: no AWS region: pass --region, or set AWS_REGION, or a region in your AWS profile \(AWS_PROFILE\) \(field AWS_REGION\): .* \[CONFIGURATION\]\n$/);
    }
  });

  it('runs one step of an existing rotation with --step and --token', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    const driver = new RotationDriver({ secretsManager: context.sm.client(), handler: await context.handler('single-user') });
    const token = await driver.start(arn);
    expect((await driver.invoke('createSecret', arn, token)).ok).toBe(true);

    const result = await run(['--secret-id', arn, '--handler', 'postgres-single-user', '--step', 'setSecret', '--token', token, '--json']);

    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as RunJson).steps).toEqual([expect.objectContaining({ step: 'setSecret', ok: true })]);
    expect(await context.target.canLogin(user)).toBe(false);
  });

  it('reports a failing step with its code and stops', async () => {
    const user = await context.createUser();
    const arn = await context.createSecret({ ...context.target.secretFor(user), password: 'Not-The-Password-1' });

    const result = await run(['--secret-id', arn, '--handler', 'postgres-single-user']);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ setSecret\s+\d+ ms\s+ENGINE_AUTH: /);
    expect(result.stdout).not.toContain('testSecret');
  });
});
