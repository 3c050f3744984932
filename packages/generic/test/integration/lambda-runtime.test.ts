import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  ensureLambdaNodeRuntimes,
  ensureRuntimeInterfaceEmulator,
  LAMBDA_NODE_MAJORS,
  LeakDetector,
  type LocalSecretsManager,
  RotationDriver,
  startLocalSecretsManager,
} from '@rotation-lambdas/test-env';
import { expectFinishedStages, expectSucceeded, withEmulatedLambda } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyService, startApiKeyService } from './api-key-service.js';

const zip = fileURLToPath(new URL('../../dist/generic-single-user.zip', import.meta.url));

/** A cold install builds the runtime interface client and the emulator: minutes on a loaded machine. */
const INSTALL_BUDGET_MS = 20 * 60_000;

describe('built zip under the Lambda Runtime Interface Emulator (generic: HTTP API key example)', () => {
  let sm: LocalSecretsManager;
  let api: ApiKeyService;
  const leaks = new LeakDetector();
  beforeAll(async () => {
    [sm, api] = await Promise.all([startLocalSecretsManager(), startApiKeyService(), ensureLambdaNodeRuntimes(), ensureRuntimeInterfaceEmulator()]);
  }, INSTALL_BUDGET_MS);
  afterAll(async () => {
    await api?.stop();
    await sm?.stop();
  });

  for (const nodeMajor of LAMBDA_NODE_MAJORS) {
    it(`rotates the API key twice as index.handler on Node ${nodeMajor} with 128 MB, and reports a bad event as the function error`, async () => {
      // Prepare
      const clientId = `client-${randomBytes(4).toString('hex')}`;
      const key = randomBytes(24).toString('hex');
      leaks.addSecret(key);
      api.register(clientId, key);
      const value = JSON.stringify({ endpoint: api.url, username: clientId, password: key, ssl: false });
      leaks.addSecretString(value);
      const { ARN: arn } = await sm.client().send(new CreateSecretCommand({ Name: clientId, SecretString: value }));
      if (arn === undefined) throw new Error('CreateSecret returned no ARN');

      await withEmulatedLambda(zip, nodeMajor, { SECRETS_MANAGER_ENDPOINT: sm.endpoint }, async (lambda) => {
        const driver = new RotationDriver({ secretsManager: sm.client(), handler: lambda.invoke });

        // Act
        const first = await driver.rotate(arn);
        const second = await driver.rotate(arn);
        const malformed = await driver.invokeEvent({ Step: 'dropSecret', SecretId: arn, ClientRequestToken: first.token });

        // Assess
        expectSucceeded(first);
        expectSucceeded(second);
        const current = await sm.client().send(new GetSecretValueCommand({ SecretId: arn }));
        const rotated = (JSON.parse(current.SecretString ?? '{}') as { password: string }).password;
        leaks.addSecret(rotated);
        expect(current.VersionId).toBe(second.token);
        expectFinishedStages(current.VersionStages);
        expect(api.keyOf(clientId)).toBe(rotated);
        expect(rotated).not.toBe(key);
        // The runtime interface client reports the handler's error class as the function error.
        expect(malformed.ok).toBe(false);
        expect(malformed.error).toMatchObject({ name: 'InvalidEventError', errorType: 'InvalidEventError' });
        expect(lambda.output().match(/^REPORT RequestId: /gm)).toHaveLength(9);
        for (const version of sm.versions(arn)) leaks.addSecretString(version.secretString);
        leaks.addOutput(lambda.output());
      });
    }, 180_000);
  }

  it('writes no key to the runtime output', () => {
    expect(leaks.stats().outputs).toBe(LAMBDA_NODE_MAJORS.length);
    expect(leaks.findLeaks()).toEqual([]);
  });
});
