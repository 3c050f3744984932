import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  LeakDetector,
  type LocalSecretsManager,
  loadHandler,
  RotationDriver,
  STEPS,
  startLocalSecretsManager,
} from '@rotation-lambdas/test-env';
import { expectRotationError, expectSucceeded } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyService, startApiKeyService } from './api-key-service.js';

const bundle = fileURLToPath(new URL('../../dist/generic-single-user/index.mjs', import.meta.url));

describe('single-user rotation (generic: HTTP API key example)', () => {
  let sm: LocalSecretsManager;
  let api: ApiKeyService;
  const leaks = new LeakDetector();
  beforeAll(async () => {
    sm = await startLocalSecretsManager();
    api = await startApiKeyService();
  });
  afterAll(async () => {
    await api.stop();
    await sm.stop();
  });

  async function client(overrides: Record<string, unknown> = {}): Promise<{ clientId: string; key: string; arn: string }> {
    const clientId = `client-${randomBytes(4).toString('hex')}`;
    const key = randomBytes(24).toString('hex');
    leaks.addSecret(key);
    api.register(clientId, key);
    const value = JSON.stringify({ endpoint: api.url, username: clientId, password: key, ssl: false, ...overrides });
    const created = await sm.client().send(new CreateSecretCommand({ Name: clientId, SecretString: value }));
    return { clientId, key, arn: created.ARN as string };
  }

  async function driver(env: Record<string, string> = {}): Promise<RotationDriver> {
    const handler = await loadHandler(bundle, { SECRETS_MANAGER_ENDPOINT: sm.endpoint, ...env });
    return new RotationDriver({
      secretsManager: sm.client(),
      handler,
      observe: (outcome) => {
        leaks.addOutput(outcome.output);
        leaks.addError(outcome.error);
      },
    });
  }

  async function currentKey(arn: string): Promise<string> {
    const value = await sm.client().send(new GetSecretValueCommand({ SecretId: arn }));
    const key = (JSON.parse(value.SecretString ?? '{}') as { password: string }).password;
    leaks.addSecret(key);
    return key;
  }

  it('replaces the API key at the service and in the secret when rotated', async () => {
    const { clientId, key, arn } = await client();

    expectSucceeded(await (await driver()).rotate(arn));

    const rotated = await currentKey(arn);
    expect(rotated).not.toBe(key);
    expect(rotated).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(api.keyOf(clientId)).toBe(rotated);
  });

  it('reaches the same end state when every step is invoked twice', async () => {
    const { clientId, arn } = await client();
    const rotation = await driver();
    const token = await rotation.start(arn);

    for (const step of STEPS) {
      expectSucceeded(await rotation.invoke(step, arn, token));
      expectSucceeded(await rotation.invoke(step, arn, token));
    }

    expect(api.keyOf(clientId)).toBe(await currentKey(arn));
  });

  it('completes in a new container after a failure following setSecret', async () => {
    const { clientId, arn } = await client();
    const rotation = await driver();
    const token = await rotation.start(arn);
    expectSucceeded(await rotation.runSteps(arn, token, { until: 'setSecret' }));
    sm.injectFault({ operation: 'DescribeSecret', error: 'InternalServiceError', times: 3 });
    expectRotationError(await rotation.invoke('testSecret', arn, token, await loadHandler(bundle, { SECRETS_MANAGER_ENDPOINT: sm.endpoint })), 'SECRETS_MANAGER');
    sm.clearFaults();

    expectSucceeded(await rotation.resume(arn, { handler: await loadHandler(bundle, { SECRETS_MANAGER_ENDPOINT: sm.endpoint }) }));
    expect(api.keyOf(clientId)).toBe(await currentKey(arn));
  });

  it('abandons the rotation, changing nothing, when the current key is refused', async () => {
    const { clientId, key, arn } = await client({ password: 'not-the-key-0123456789' });

    const outcome = await (await driver()).rotate(arn);

    const error = expectRotationError(outcome, 'ENGINE_AUTH');
    expect(error.step).toBe('setSecret');
    expect(api.keyOf(clientId)).toBe(key);
  });

  it('refuses a secret whose rotation was never configured, where DescribeSecret omits RotationEnabled', async () => {
    // Prepare: no RotateSecret, so the service's DescribeSecret has no RotationEnabled at all.
    const { clientId, key, arn } = await client();
    const token = randomUUID();

    // Act
    const outcome = await (await driver()).invoke('createSecret', arn, token);

    // Assess: absent counts as off, and nothing was written.
    expectRotationError(outcome, 'ROTATION_NOT_ENABLED');
    expect(sm.versions(arn).map((version) => version.versionId)).not.toContain(token);
    expect(api.keyOf(clientId)).toBe(key);
  });

  it('refuses a plain-http endpoint unless the secret says ssl is false', async () => {
    const { arn } = await client({ ssl: undefined });

    expectRotationError(await (await driver()).rotate(arn), 'INVALID_SECRET', 'endpoint');
  });

  it('writes no key to any log line or error', () => {
    expect(leaks.stats().outputs).toBeGreaterThan(5);
    expect(leaks.findLeaks()).toEqual([]);
  });
});
