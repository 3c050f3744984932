import { randomUUID } from 'node:crypto';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalSecretsManager,
  pendingAfterRotationFromEnv,
  startLocalSecretsManager,
} from '../../src/secrets-manager/local-secrets-manager.js';

// Where the local Secrets Manager differed from the API reference (issue 12 §4), one test per rule.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let sm: LocalSecretsManager;
let client: SecretsManagerClient;
let counter = 0;

beforeAll(async () => {
  sm = await startLocalSecretsManager({ pendingAfterRotation: 'removed' });
  client = sm.client();
});

afterAll(() => sm.stop());

function name(): string {
  counter += 1;
  return `api-reference/secret-${counter}`;
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** A raw JSON 1.1 request, for what the SDK never sends (it always fills in ClientRequestToken). */
async function rawCall(operation: string, body: object): Promise<{ status: number; type: string | undefined }> {
  const response = await fetch(sm.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${operation}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { __type?: string };
  return { status: response.status, type: answer.__type?.split('#').pop() };
}

/** Version id → labels, each list sorted (the service does not promise an order). */
async function stages(secretId: string, sender = client): Promise<Record<string, string[]>> {
  const described = await sender.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(Object.entries(described.VersionIdsToStages ?? {}).map(([id, labels]) => [id, [...labels].sort()]));
}

/** A rotation as a rotation function runs it against the store: RotateSecret, a pending value, AWSCURRENT moved. */
async function rotateOnce(secretId: string, sender = client): Promise<string> {
  const { VersionId: token } = await sender.send(new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: randomUUID() }));
  if (token === undefined) throw new Error('RotateSecret returned no VersionId');
  const current = Object.entries(await stages(secretId, sender)).find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
  await sender.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: `v-${token}`, VersionStages: ['AWSPENDING'] }));
  await sender.send(
    new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }),
  );
  return token;
}

describe('DescribeSecret RotationEnabled (API reference)', () => {
  it('omits RotationEnabled for a secret whose rotation was never configured', async () => {
    const id = name();
    await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));

    const described = await client.send(new DescribeSecretCommand({ SecretId: id }));

    expect(described.RotationEnabled).toBeUndefined();
    expect(await rawCall('DescribeSecret', { SecretId: id })).toEqual({ status: 200, type: undefined });
  });

  it('says true once RotateSecret configured rotation and false after CancelRotateSecret', async () => {
    const id = name();
    await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));

    await client.send(new RotateSecretCommand({ SecretId: id, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 7 } }));
    const enabled = await client.send(new DescribeSecretCommand({ SecretId: id }));
    await client.send(new CancelRotateSecretCommand({ SecretId: id }));
    const cancelled = await client.send(new DescribeSecretCommand({ SecretId: id }));

    expect(enabled.RotationEnabled).toBe(true);
    expect(cancelled.RotationEnabled).toBe(false);
  });
});

describe('ClientRequestToken length, 32 to 64 characters (API reference)', () => {
  const tooShort = 'x'.repeat(31);
  const tooLong = 'x'.repeat(65);

  it.each([
    ['31', tooShort, 'greater than or equal to 32'],
    ['65', tooLong, 'less than or equal to 64'],
  ])('refuses a %s-character token in CreateSecret, PutSecretValue and RotateSecret', async (_length, token, bound) => {
    const id = name();
    await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));
    const calls = [
      client.send(new CreateSecretCommand({ Name: name(), SecretString: 'x', ClientRequestToken: token })),
      client.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'y', ClientRequestToken: token })),
      client.send(new RotateSecretCommand({ SecretId: id, ClientRequestToken: token })),
    ];

    for (const call of calls) {
      const error = await failure(call);
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain(`'clientRequestToken' failed to satisfy constraint: Member must have length ${bound}`);
    }
    // Nothing was written: the secret still has its one version, and no rotation started.
    expect(Object.keys(await stages(id))).toHaveLength(1);
  });

  it('accepts tokens of exactly 32 and 64 characters', async () => {
    const id = name();
    const created = await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x', ClientRequestToken: 'a'.repeat(32) }));
    const put = await client.send(new PutSecretValueCommand({ SecretId: id, SecretString: 'y', ClientRequestToken: 'b'.repeat(64) }));
    expect([created.VersionId, put.VersionId]).toEqual(['a'.repeat(32), 'b'.repeat(64)]);
    const rotated = await client.send(new RotateSecretCommand({ SecretId: id, ClientRequestToken: 'c'.repeat(32) }));
    expect(rotated.VersionId).toBe('c'.repeat(32));
  });

  it('refuses a raw PutSecretValue or CreateSecret with a value but no token, as the service does', async () => {
    const id = name();
    await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));

    expect(await rawCall('PutSecretValue', { SecretId: id, SecretString: 'y' })).toEqual({ status: 400, type: 'InvalidRequestException' });
    expect(await rawCall('CreateSecret', { Name: name(), SecretString: 'y' })).toEqual({ status: 400, type: 'InvalidRequestException' });
    // Without a value CreateSecret writes no version and needs no token.
    expect(await rawCall('CreateSecret', { Name: name() })).toEqual({ status: 200, type: undefined });
  });
});

describe('end state of a finished rotation (API reference: both are documented)', () => {
  it("'removed': AWSPENDING is on no version once AWSCURRENT moved onto it", async () => {
    const id = name();
    const { VersionId: first } = await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));

    const token = await rotateOnce(id);

    expect(await stages(id)).toEqual({ [first as string]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
  });

  it("'kept': AWSPENDING stays on the new AWSCURRENT version, and the next RotateSecret moves it to its stub", async () => {
    const kept = await startLocalSecretsManager({ pendingAfterRotation: 'kept' });
    try {
      const keptClient = kept.client();
      const id = name();
      const { VersionId: first } = await keptClient.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));

      const token = await rotateOnce(id, keptClient);
      expect(await stages(id, keptClient)).toEqual({ [first as string]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
      // GetSecretValue by AWSPENDING then answers the current value, as the service does.
      const pending = await keptClient.send(new GetSecretValueCommand({ SecretId: id, VersionStage: 'AWSPENDING' }));
      expect(pending.VersionId).toBe(token);

      const second = await rotateOnce(id, keptClient);
      expect(await stages(id, keptClient)).toEqual({ [token]: ['AWSPREVIOUS'], [second]: ['AWSCURRENT', 'AWSPENDING'] });
    } finally {
      await kept.stop();
    }
  });

  it('switches between the two at run time, and reads ROTATION_TEST_PENDING_AFTER_ROTATION as the default', async () => {
    const id = name();
    await client.send(new CreateSecretCommand({ Name: id, SecretString: 'x' }));
    sm.pendingAfterRotation = 'kept';
    try {
      const token = await rotateOnce(id);
      expect((await stages(id))[token]).toEqual(['AWSCURRENT', 'AWSPENDING']);
    } finally {
      sm.pendingAfterRotation = 'removed';
    }
    expect(pendingAfterRotationFromEnv({})).toBe('removed');
    expect(pendingAfterRotationFromEnv({ ROTATION_TEST_PENDING_AFTER_ROTATION: 'kept' })).toBe('kept');
    expect(() => pendingAfterRotationFromEnv({ ROTATION_TEST_PENDING_AFTER_ROTATION: 'yes' })).toThrow(/removed.*kept/);
  });
});
