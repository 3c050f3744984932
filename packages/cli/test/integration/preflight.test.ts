import { ContractContext, testPassword } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFixture } from './postgres-fixture.js';
import { runCli } from './run-cli.js';

interface Check {
  readonly id: string;
  readonly status: string;
  readonly code?: string;
  readonly hint?: string;
  readonly detail?: string;
}

describe('rotate preflight (postgres)', () => {
  const context = new ContractContext(postgresFixture);
  beforeAll(() => context.start());
  afterAll(() => context.stop());

  async function preflight(arn: string, handler: string): Promise<{ code: number; checks: Record<string, Check>; stdout: string }> {
    const result = await runCli(['preflight', '--secret-id', arn, '--handler', handler, '--endpoint', context.sm.endpoint, '--json']);
    const parsed = JSON.parse(result.stdout) as { checks: Check[] };
    return { code: result.code, checks: Object.fromEntries(parsed.checks.map((check) => [check.id, check])), stdout: result.stdout };
  }

  it('passes every check for a good alternating-users secret, changing nothing', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    const before = await context.state(arn);

    const { code, checks } = await preflight(arn, 'postgres-alternating-users');

    expect(code).toBe(0);
    expect(Object.fromEntries(Object.entries(checks).map(([id, check]) => [id, check.status]))).toEqual({
      secret: 'pass',
      'rotation-state': 'pass',
      fields: 'pass',
      engine: 'pass',
      reachable: 'pass',
      tls: 'warn',
      login: 'pass',
      'alternate-name': 'pass',
      masterarn: 'pass',
      'master-secret': 'pass',
      'master-login': 'pass',
      'master-privileges': 'pass',
      'alternate-user': 'pass',
    });
    expect(await context.state(arn)).toEqual(before);
    expect(await context.target.userExists(`${user.username}_clone`)).toBe(false);
  });

  it('prints one line per check with a mark, and a fix hint for failures, without --json', async () => {
    const user = await context.createUser();
    const arn = await context.createSecret({ ...context.target.secretFor({ ...user, password: testPassword() }) });

    const result = await runCli(['preflight', '--secret-id', arn, '--handler', 'postgres-single-user', '--endpoint', context.sm.endpoint]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ Database host reachable/);
    expect(result.stdout).toMatch(/✗ Current credentials log in: .* \[ENGINE_AUTH\]\n\s+fix: /);
  });

  it.each([
    ['fields', (valid: Record<string, unknown>) => ({ ...valid, host: undefined }), 'postgres-single-user'],
    ['engine', (valid: Record<string, unknown>) => ({ ...valid, engine: 'mysql' }), 'postgres-single-user'],
    ['reachable', (valid: Record<string, unknown>) => ({ ...valid, port: 1 }), 'postgres-single-user'],
    ['tls', (valid: Record<string, unknown>) => ({ ...valid, ssl: true }), 'postgres-single-user'],
    ['login', (valid: Record<string, unknown>) => ({ ...valid, password: 'Wrong-Password-1' }), 'postgres-single-user'],
    ['masterarn', (valid: Record<string, unknown>) => valid, 'postgres-alternating-users'],
  ])('fails the %s check when it does not hold, with exit status 1', async (id, change, handler) => {
    const user = await context.createUser();
    const arn = await context.createSecret(change(context.target.secretFor(user)));

    const { code, checks } = await preflight(arn, handler);

    expect(code).toBe(1);
    expect(checks[id]?.status).toBe('fail');
    expect(checks[id]?.hint).toBeTruthy();
  });

  it('says why TLS failed: the cause from the driver, not only that it failed', async () => {
    // The test server has no TLS, so asking for it fails the handshake.
    const user = await context.createUser();
    const arn = await context.createSecret({ ...context.target.secretFor(user), ssl: true });

    const { checks } = await preflight(arn, 'postgres-single-user');

    expect(checks.tls).toMatchObject({ status: 'fail', code: 'ENGINE_TLS' });
    expect(checks.tls?.detail).toMatch(/^TLS to the server failed for the current login: .*does not support SSL/);
  });

  it('names a missing region instead of a bare SDK error', async () => {
    const result = await runCli(['preflight', '--secret-id', 'x', '--handler', 'postgres-single-user', '--endpoint', context.sm.endpoint], { AWS_REGION: undefined });

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^rotate: no AWS region: pass --region, or set AWS_REGION/)]);
  });

  it('fails the secret check when the value is not JSON', async () => {
    const arn = await context.createSecret('not json at all');

    const { code, checks } = await preflight(arn, 'postgres-single-user');

    expect(code).toBe(1);
    expect(checks.secret).toMatchObject({ status: 'fail', code: 'INVALID_SECRET' });
  });

  it('fails the master checks: wrong master password, master without CREATEROLE', async () => {
    const user = await context.createUser();
    const wrongMaster = await context.createSecret({ ...context.target.secretFor(context.target.master), password: testPassword() });
    const wrong = await context.createSecret({ ...context.target.secretFor(user), masterarn: wrongMaster });
    const weak = await context.createUser('weak');
    const weakMaster = await context.createSecret(context.target.secretFor(weak));
    const powerless = await context.createSecret({ ...context.target.secretFor(user), masterarn: weakMaster });

    const wrongResult = await preflight(wrong, 'postgres-alternating-users');
    const weakResult = await preflight(powerless, 'postgres-alternating-users');

    expect(wrongResult.checks['master-login']).toMatchObject({ status: 'fail', code: 'ENGINE_AUTH' });
    expect(weakResult.checks['master-login']?.status).toBe('pass');
    expect(weakResult.checks['master-privileges']?.status).toBe('fail');
    expect(weakResult.stdout).toContain('CREATEROLE');
  });

  it('fails the alternate-user check when someone else owns the clone name, and the name check when too long', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    await context.createUser('x', `${user.username}_clone`);
    const long = await context.createUser('l', `l${'x'.repeat(58)}`);
    const longArn = await context.createSecret({ ...context.target.secretFor(long), masterarn: await context.masterArn() });

    const taken = await preflight(arn, 'postgres-alternating-users');
    const tooLong = await preflight(longArn, 'postgres-alternating-users');

    expect(taken.checks['alternate-user']).toMatchObject({ status: 'fail', code: 'ALTERNATE_USER_CONFLICT' });
    expect(tooLong.checks['alternate-name']).toMatchObject({ status: 'fail', code: 'USERNAME_TOO_LONG' });
  });

  it('never prints a password', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');

    const result = await runCli(['preflight', '--secret-id', arn, '--handler', 'postgres-alternating-users', '--endpoint', context.sm.endpoint, '--verbose']);

    expect(`${result.stdout}${result.stderr}`).not.toContain(user.password);
    expect(`${result.stdout}${result.stderr}`).not.toContain(context.target.master.password);
  });

  it('refuses an unknown handler in one line with exit status 2', async () => {
    const result = await runCli(['preflight', '--secret-id', 'x', '--handler', 'oracle-single-user']);

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('unknown handler');
  });
});

