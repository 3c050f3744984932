import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandInput,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startLocalSecretsManager } from '../../src/secrets-manager/local-secrets-manager.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";
const LABEL_MISMATCH =
  "The parameter RemoveFromVersionId is missing or doesn't match the version the staging label is currently attached to.";

interface SdkError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number; readonly attempts?: number };
}

let sm: LocalSecretsManager;
let client: SecretsManagerClient;
let secretCounter = 0;

beforeAll(async () => {
  // Pinned: ROTATION_TEST_PENDING_AFTER_ROTATION must not change what these tests expect.
  sm = await startLocalSecretsManager({ pendingAfterRotation: 'removed' });
  client = sm.client();
});

afterAll(async () => {
  await sm.stop();
});

beforeEach(() => {
  sm.clearFaults();
  sm.resetCalls();
});

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

function uniqueName(prefix = 'secret'): string {
  secretCounter += 1;
  return `test/${prefix}-${secretCounter}`;
}

async function createSecret(value = '{"password":"v1"}', token?: string): Promise<{ arn: string; name: string; versionId: string }> {
  const name = uniqueName();
  const output = await client.send(new CreateSecretCommand({ Name: name, SecretString: value, ClientRequestToken: token }));
  return { arn: output.ARN ?? '', name, versionId: output.VersionId ?? '' };
}

async function stages(secretId: string): Promise<Record<string, string[]>> {
  const output = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  return output.VersionIdsToStages ?? {};
}

async function describeSecret(secretId: string): Promise<DescribeSecretCommandOutput> {
  return client.send(new DescribeSecretCommand({ SecretId: secretId }));
}

async function put(secretId: string, token: string, value: string, versionStages?: string[]): Promise<string[]> {
  const output = await client.send(
    new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: versionStages }),
  );
  return output.VersionStages ?? [];
}

async function moveCurrent(secretId: string, to: string, from: string | undefined): Promise<void> {
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: to,
      RemoveFromVersionId: from,
    }),
  );
}

describe('secret identity', () => {
  it('creates a secret whose ARN is the name plus a six-character suffix, versioned by the request token', async () => {
    const before = Date.now();
    const { arn, name, versionId } = await createSecret('s3cret', 'token-create-0001-00000000000000');
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:test\/secret-\d+-[A-Za-z0-9]{6}$/);
    expect(arn.startsWith(`arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-`)).toBe(true);
    expect(versionId).toBe('token-create-0001-00000000000000');
    const value = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value).toMatchObject({ ARN: arn, Name: name, VersionId: versionId, SecretString: 's3cret', VersionStages: ['AWSCURRENT'] });
    expect(value.CreatedDate).toBeInstanceOf(Date);
    expect(value.CreatedDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(value.CreatedDate?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('generates a UUID version id when no token is sent by the caller', async () => {
    const name = uniqueName();
    const output = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    expect(output.VersionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('resolves SecretId by name, by full ARN and by partial ARN', async () => {
    const { arn, name } = await createSecret('by-id');
    const partialArn = arn.slice(0, -7);
    expect(partialArn).toBe(`arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`);
    for (const secretId of [name, arn, partialArn]) {
      const value = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      expect(value.ARN).toBe(arn);
      expect(value.SecretString).toBe('by-id');
    }
  });

  it('answers an unknown secret with ResourceNotFoundException', async () => {
    const { arn } = await createSecret();
    for (const secretId of ['test/does-not-exist', `${arn.slice(0, -6)}ZZZZZZ`]) {
      const error = await rejection(client.send(new GetSecretValueCommand({ SecretId: secretId })));
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.message).toBe(SECRET_NOT_FOUND);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    const describeError = await rejection(describeSecret('test/does-not-exist'));
    expect(describeError.name).toBe('ResourceNotFoundException');
  });

  it('refuses a duplicate name with ResourceExistsException', async () => {
    const { name } = await createSecret('first');
    const error = await rejection(client.send(new CreateSecretCommand({ Name: name, SecretString: 'second' })));
    expect(error.name).toBe('ResourceExistsException');
    expect(error.message).toBe(`The operation failed because the secret ${name} already exists.`);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('first');
  });

  it('answers a repeated CreateSecret with the same token and value as the first one', async () => {
    const name = uniqueName();
    const first = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'x', ClientRequestToken: 'create-retry-token-0000000000000' }));
    const again = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'x', ClientRequestToken: 'create-retry-token-0000000000000' }));
    expect(again.ARN).toBe(first.ARN);
    expect(again.VersionId).toBe('create-retry-token-0000000000000');
  });

  it('rejects a missing or malformed name with InvalidParameterException', async () => {
    for (const name of ['', 'has space', 'x'.repeat(513)]) {
      const error = await rejection(client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })));
      expect(error.name).toBe('InvalidParameterException');
    }
  });

  it('creates a secret without a value: no version until one is put', async () => {
    const name = uniqueName();
    const created = await client.send(new CreateSecretCommand({ Name: name }));
    expect(created.VersionId).toBeUndefined();
    expect(await stages(name)).toEqual({});
    const error = await rejection(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
    await put(name, 'first-value-00000000000000000000', 'v1');
    expect(await stages(name)).toEqual({ 'first-value-00000000000000000000': ['AWSCURRENT'] });
  });

  it('stores description and tags, and tags and untags resources', async () => {
    const name = uniqueName();
    await client.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: 'x',
        Description: 'the master user',
        Tags: [
          { Key: 'team', Value: 'db' },
          { Key: 'env', Value: 'test' },
        ],
      }),
    );
    const described = await describeSecret(name);
    expect(described.Description).toBe('the master user');
    expect(described.Tags).toEqual([
      { Key: 'team', Value: 'db' },
      { Key: 'env', Value: 'test' },
    ]);
    await client.send(
      new TagResourceCommand({
        SecretId: name,
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'owner', Value: 'ops' },
        ],
      }),
    );
    await client.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['team'] }));
    expect((await describeSecret(name)).Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'owner', Value: 'ops' },
    ]);
  });

  it('describes a new secret: no RotationEnabled, dates, and the AWSCURRENT version', async () => {
    const { arn, name, versionId } = await createSecret();
    const described = await describeSecret(arn);
    expect(described).toMatchObject({ ARN: arn, Name: name, VersionIdsToStages: { [versionId]: ['AWSCURRENT'] } });
    // The service omits RotationEnabled until rotation is first configured; it does not say false.
    expect(Object.keys(described)).not.toContain('RotationEnabled');
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    expect(described.LastRotatedDate).toBeUndefined();
    expect(described.RotationLambdaARN).toBeUndefined();
  });
});

describe('GetSecretValue', () => {
  it('reads by VersionId, by VersionStage, or both when they agree', async () => {
    const { name, versionId } = await createSecret('one');
    await put(name, 'get-v2-0000000000000000000000000', 'two');
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }))).SecretString).toBe('one');
    const previous = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
    expect(previous).toMatchObject({ VersionId: versionId, SecretString: 'one', VersionStages: ['AWSPREVIOUS'] });
    const both = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: 'get-v2-0000000000000000000000000', VersionStage: 'AWSCURRENT' }));
    expect(both.SecretString).toBe('two');
  });

  it('answers an unknown version, an unattached label, or a disagreeing pair with ResourceNotFoundException', async () => {
    const { name, versionId } = await createSecret();
    const unknownVersion = await rejection(client.send(new GetSecretValueCommand({ SecretId: name, VersionId: 'nope' })));
    expect(unknownVersion.name).toBe('ResourceNotFoundException');
    expect(unknownVersion.message).toBe("Secrets Manager can't find the specified secret value for VersionId: nope");
    const unknownStage = await rejection(client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })));
    expect(unknownStage.name).toBe('ResourceNotFoundException');
    expect(unknownStage.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSPENDING");
    const mismatch = await rejection(
      client.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId, VersionStage: 'AWSPREVIOUS' })),
    );
    expect(mismatch.name).toBe('ResourceNotFoundException');
  });
});

describe('PutSecretValue and staging labels', () => {
  it('moves AWSCURRENT to a new version and AWSPREVIOUS to the old one; older versions lose their labels', async () => {
    const { name, versionId: v1 } = await createSecret('one');
    expect(await put(name, 'labels-v2-0000000000000000000000', 'two')).toEqual(['AWSCURRENT']);
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], 'labels-v2-0000000000000000000000': ['AWSCURRENT'] });
    await put(name, 'labels-v3-0000000000000000000000', 'three');
    expect(await stages(name)).toEqual({ 'labels-v2-0000000000000000000000': ['AWSPREVIOUS'], 'labels-v3-0000000000000000000000': ['AWSCURRENT'] });

    const listed = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(listed.Versions?.map((version) => version.VersionId).sort()).toEqual(['labels-v2-0000000000000000000000', 'labels-v3-0000000000000000000000']);
    const all = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(all.Versions?.map((version) => version.VersionId)).toEqual([v1, 'labels-v2-0000000000000000000000', 'labels-v3-0000000000000000000000']);
    expect(all.Versions?.[0]?.VersionStages ?? []).toEqual([]);
    expect(all.Versions?.[2]?.CreatedDate).toBeInstanceOf(Date);
    expect(sm.versions(name)).toEqual([
      { versionId: v1, stages: [], secretString: 'one' },
      { versionId: 'labels-v2-0000000000000000000000', stages: ['AWSPREVIOUS'], secretString: 'two' },
      { versionId: 'labels-v3-0000000000000000000000', stages: ['AWSCURRENT'], secretString: 'three' },
    ]);
    const deprecated = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }));
    expect(deprecated.SecretString).toBe('one');
  });

  it('keeps every label on one version only', async () => {
    const { name, versionId: v1 } = await createSecret();
    expect(await put(name, 'pending-a-0000000000000000000000', 'a', ['AWSPENDING'])).toEqual(['AWSPENDING']);
    expect(await put(name, 'pending-b-0000000000000000000000', 'b', ['AWSPENDING', 'CUSTOM'])).toEqual(['AWSPENDING', 'CUSTOM']);
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'pending-b-0000000000000000000000': ['AWSPENDING', 'CUSTOM'] });
    await put(name, 'custom-c-00000000000000000000000', 'c', ['CUSTOM']);
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'pending-b-0000000000000000000000': ['AWSPENDING'], 'custom-c-00000000000000000000000': ['CUSTOM'] });
  });

  it('treats a repeated put of the same token and value as a no-op', async () => {
    const { name, versionId: v1 } = await createSecret('one');
    await put(name, 'idem-v2-000000000000000000000000', 'two', ['AWSPENDING']);
    const before = sm.versions(name);
    expect(await put(name, 'idem-v2-000000000000000000000000', 'two', ['AWSCURRENT'])).toEqual(['AWSPENDING']);
    expect(sm.versions(name)).toEqual(before);
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'idem-v2-000000000000000000000000': ['AWSPENDING'] });
  });

  it('refuses a different value under an existing token with ResourceExistsException', async () => {
    const { name, versionId } = await createSecret('one');
    const error = await rejection(put(name, versionId, 'changed'));
    expect(error.name).toBe('ResourceExistsException');
    expect(sm.versions(name)).toEqual([{ versionId, stages: ['AWSCURRENT'], secretString: 'one' }]);
  });

  it('refuses an empty VersionStages list', async () => {
    const { name } = await createSecret();
    const error = await rejection(put(name, 'no-stages-0000000000000000000000', 'x', []));
    expect(error.name).toBe('InvalidParameterException');
    expect(sm.versions(name)).toHaveLength(1);
  });
});

describe('UpdateSecretVersionStage', () => {
  it('requires RemoveFromVersionId to name the version that carries the label', async () => {
    const { name, versionId: v1 } = await createSecret();
    await put(name, 'uvs-v2-0000000000000000000000000', 'two', ['AWSPENDING']);
    for (const from of [undefined, 'uvs-v2-0000000000000000000000000', 'unknown-version-0000000000000000']) {
      const error = await rejection(moveCurrent(name, 'uvs-v2-0000000000000000000000000', from));
      expect(error.name).toBe('InvalidParameterException');
      expect(error.message).toBe(LABEL_MISMATCH);
    }
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'uvs-v2-0000000000000000000000000': ['AWSPENDING'] });
  });

  it('moves AWSCURRENT with a matching RemoveFromVersionId and labels the old version AWSPREVIOUS', async () => {
    const { name, versionId: v1 } = await createSecret();
    await put(name, 'uvs-move-v2-00000000000000000000', 'two', ['CUSTOM']);
    await moveCurrent(name, 'uvs-move-v2-00000000000000000000', v1);
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], 'uvs-move-v2-00000000000000000000': ['CUSTOM', 'AWSCURRENT'] });
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('two');
  });

  it('reverts to the previous version, swapping AWSCURRENT and AWSPREVIOUS', async () => {
    const { name, versionId: v1 } = await createSecret('one');
    await put(name, 'revert-v2-0000000000000000000000', 'two');
    await moveCurrent(name, v1, 'revert-v2-0000000000000000000000');
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'revert-v2-0000000000000000000000': ['AWSPREVIOUS'] });
  });

  it('attaches a label nobody carries without RemoveFromVersionId, and removes one with it alone', async () => {
    const { name, versionId } = await createSecret();
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'MINE', MoveToVersionId: versionId }));
    expect(await stages(name)).toEqual({ [versionId]: ['AWSCURRENT', 'MINE'] });
    const wrongRemove = await rejection(
      client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'MINE', RemoveFromVersionId: 'other' })),
    );
    expect(wrongRemove.name).toBe('InvalidParameterException');
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'MINE', RemoveFromVersionId: versionId }));
    expect(await stages(name)).toEqual({ [versionId]: ['AWSCURRENT'] });
  });

  it('refuses to remove AWSCURRENT without moving it, and to move to an unknown version', async () => {
    const { name, versionId } = await createSecret();
    const remove = await rejection(
      client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', RemoveFromVersionId: versionId })),
    );
    expect(remove.name).toBe('InvalidParameterException');
    const unknown = await rejection(moveCurrent(name, 'no-such-version-0000000000000000', versionId));
    expect(unknown.name).toBe('InvalidParameterException');
    const neither = await rejection(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'X' })));
    expect(neither.name).toBe('InvalidParameterException');
    expect(await stages(name)).toEqual({ [versionId]: ['AWSCURRENT'] });
  });
});

describe('rotation', () => {
  it('RotateSecret enables rotation and creates a value-less AWSPENDING stub named by the token', async () => {
    const { name, versionId: v1 } = await createSecret();
    const rotated = await client.send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: 'rotation-token-0001-000000000000',
        RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    expect(rotated.VersionId).toBe('rotation-token-0001-000000000000');
    const described = await describeSecret(name);
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
      RotationRules: { AutomaticallyAfterDays: 30 },
      VersionIdsToStages: { [v1]: ['AWSCURRENT'], 'rotation-token-0001-000000000000': ['AWSPENDING'] },
    });
    expect(described.LastRotatedDate).toBeUndefined();
    expect(sm.versions(name)[1]).toEqual({ versionId: 'rotation-token-0001-000000000000', stages: ['AWSPENDING'], secretString: undefined });

    const byId = await rejection(client.send(new GetSecretValueCommand({ SecretId: name, VersionId: 'rotation-token-0001-000000000000' })));
    expect(byId.name).toBe('ResourceNotFoundException');
    expect(byId.message).toBe("Secrets Manager can't find the specified secret value for VersionId: rotation-token-0001-000000000000");
    const byStage = await rejection(client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })));
    expect(byStage.name).toBe('ResourceNotFoundException');
  });

  it('refuses a new rotation while the previous one is unfinished, but accepts a retry with the same token', async () => {
    const { name } = await createSecret();
    await client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'unfinished-token-000000000000000' }));
    const error = await rejection(client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'another-token-000000000000000000' })));
    expect(error.name).toBe('InvalidRequestException');
    expect(error.message).toBe("A previous rotation isn't complete. That rotation will be reattempted.");
    const retry = await client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'unfinished-token-000000000000000' }));
    expect(retry.VersionId).toBe('unfinished-token-000000000000000');
    expect(sm.versions(name)).toHaveLength(2);
  });

  it('runs a whole rotation: the stub gets a value, AWSCURRENT moves, AWSPENDING is cleared', async () => {
    const { name, versionId: v1 } = await createSecret('old');
    const { VersionId: token } = await client.send(new RotateSecretCommand({ SecretId: name }));
    if (token === undefined) throw new Error('RotateSecret returned no VersionId');
    expect(await put(name, token, 'new', ['AWSPENDING'])).toEqual(['AWSPENDING']);
    const pending = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: token, VersionStage: 'AWSPENDING' }));
    expect(pending.SecretString).toBe('new');
    expect(await put(name, token, 'new', ['AWSPENDING'])).toEqual(['AWSPENDING']);
    expect((await rejection(put(name, token, 'different', ['AWSPENDING']))).name).toBe('ResourceExistsException');

    const before = Date.now();
    await moveCurrent(name, token, v1);
    const described = await describeSecret(name);
    expect(described.VersionIdsToStages).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect(described.LastRotatedDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('new');

    const next = await client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'second-rotation-0000000000000000' }));
    expect(next.VersionId).toBe('second-rotation-0000000000000000');
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'], 'second-rotation-0000000000000000': ['AWSPENDING'] });
  });

  it('starts a rotation when AWSPENDING sits on the AWSCURRENT version, moving the label to the new stub', async () => {
    const { name, versionId: v1 } = await createSecret();
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSPENDING', MoveToVersionId: v1 }));
    await client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'after-stale-pending-000000000000' }));
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], 'after-stale-pending-000000000000': ['AWSPENDING'] });
  });

  it('CancelRotateSecret turns rotation off and leaves labels as they are', async () => {
    const { name, versionId: v1 } = await createSecret();
    await client.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: 'cancelled-token-0000000000000000' }));
    const cancelled = await client.send(new CancelRotateSecretCommand({ SecretId: name }));
    expect(cancelled.VersionId).toBe('cancelled-token-0000000000000000');
    const described = await describeSecret(name);
    expect(described.RotationEnabled).toBe(false);
    expect(described.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'], 'cancelled-token-0000000000000000': ['AWSPENDING'] });
  });

  it('with RotateImmediately false only configures rotation', async () => {
    const { name, versionId: v1 } = await createSecret();
    const output = await client.send(
      new RotateSecretCommand({ SecretId: name, RotateImmediately: false, RotationRules: { ScheduleExpression: 'rate(4 hours)' } }),
    );
    expect(output.VersionId).toBeUndefined();
    const described = await describeSecret(name);
    expect(described.RotationEnabled).toBe(true);
    expect(described.RotationRules).toEqual({ ScheduleExpression: 'rate(4 hours)' });
    expect(described.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'] });
  });

  it('lets tests switch RotationEnabled directly', async () => {
    const { name } = await createSecret();
    sm.setRotationEnabled(name, true);
    expect((await describeSecret(name)).RotationEnabled).toBe(true);
    sm.setRotationEnabled(name, false);
    expect((await describeSecret(name)).RotationEnabled).toBe(false);
    expect(() => sm.setRotationEnabled('test/unknown', true)).toThrow(SECRET_NOT_FOUND);
  });
});

describe('DeleteSecret', () => {
  it('force-deletes at once, freeing the name', async () => {
    const { name } = await createSecret();
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect((await rejection(describeSecret(name))).name).toBe('ResourceNotFoundException');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'reborn' }));
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('reborn');
  });

  it('schedules a deletion: the secret can only be described, and its name stays taken', async () => {
    const { name } = await createSecret();
    const deleted = await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const days = ((deleted.DeletionDate?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await describeSecret(name)).DeletedDate).toBeInstanceOf(Date);
    const read = await rejection(client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(read.name).toBe('InvalidRequestException');
    const create = await rejection(client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' })));
    expect(create.name).toBe('InvalidRequestException');
  });

  it('refuses a recovery window outside 7 to 30 days', async () => {
    const { name } = await createSecret();
    const error = await rejection(client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 3 })));
    expect(error.name).toBe('InvalidParameterException');
  });
});

describe('GetRandomPassword', () => {
  async function passwords(input: GetRandomPasswordCommandInput, count: number): Promise<string[]> {
    const results: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const output = await client.send(new GetRandomPasswordCommand(input));
      results.push(output.RandomPassword ?? '');
    }
    return results;
  }

  it('defaults to 32 printable characters with one of each type and no space', async () => {
    for (const password of await passwords({}, 100)) {
      expect(password).toHaveLength(32);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect([...password].some((char) => PUNCTUATION.includes(char))).toBe(true);
      expect(password).toMatch(/^[!-~]+$/);
    }
  });

  it('draws punctuation from exactly the printable ASCII punctuation set', async () => {
    const seen = new Set<string>();
    const input = { PasswordLength: 4096, ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true };
    for (const password of await passwords(input, 3)) for (const char of password) seen.add(char);
    expect([...seen].sort().join('')).toBe([...PUNCTUATION].sort().join(''));
  });

  it('honours every exclusion over many samples', async () => {
    const input = { PasswordLength: 64, ExcludeCharacters: 'abcXYZ019/@"\'\\', ExcludePunctuation: false, ExcludeNumbers: false };
    for (const password of await passwords(input, 200)) {
      expect(password).toHaveLength(64);
      expect(password).not.toMatch(/[abcXYZ019/@"'\\]/);
    }
    for (const password of await passwords({ ExcludePunctuation: true, ExcludeNumbers: true, PasswordLength: 40 }, 100)) {
      expect(password).toMatch(/^[A-Za-z]{40}$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
    }
    for (const password of await passwords({ ExcludeUppercase: true, ExcludeLowercase: true, PasswordLength: 12 }, 100)) {
      expect(password).not.toMatch(/[A-Za-z]/);
      expect(password).toMatch(/[0-9]/);
    }
  });

  it('includes a space only when asked, and never requires one', async () => {
    const without = (await passwords({ PasswordLength: 200 }, 20)).join('');
    expect(without).not.toContain(' ');
    const withSpace = (await passwords({ PasswordLength: 400, IncludeSpace: true }, 10)).join('');
    expect(withSpace).toContain(' ');
    const spaceOnlyExtra = await passwords({ PasswordLength: 4, IncludeSpace: true }, 50);
    for (const password of spaceOnlyExtra) {
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
    }
  });

  it('requires only types that still have characters after ExcludeCharacters', async () => {
    for (const password of await passwords({ PasswordLength: 3, ExcludeCharacters: '0123456789' }, 50)) {
      expect(password).toMatch(/^[^0-9]{3}$/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
    }
  });

  it('without RequireEachIncludedType accepts lengths shorter than the number of types', async () => {
    const [password] = await passwords({ PasswordLength: 1, RequireEachIncludedType: false }, 1);
    expect(password).toHaveLength(1);
    const error = await rejection(client.send(new GetRandomPasswordCommand({ PasswordLength: 2 })));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('refuses lengths outside 1 to 4096 and rules that leave no characters', async () => {
    for (const PasswordLength of [0, 4097]) {
      const error = await rejection(client.send(new GetRandomPasswordCommand({ PasswordLength })));
      expect(error.name).toBe('InvalidParameterException');
    }
    expect((await passwords({ PasswordLength: 4096 }, 1))[0]).toHaveLength(4096);
    const nothingLeft = await rejection(
      client.send(
        new GetRandomPasswordCommand({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true }),
      ),
    );
    expect(nothingLeft.name).toBe('InvalidParameterException');
  });
});

describe('call counting and fault injection', () => {
  it('counts every request per operation, failed ones included', async () => {
    const { name } = await createSecret();
    await client.send(new GetSecretValueCommand({ SecretId: name }));
    await rejection(client.send(new GetSecretValueCommand({ SecretId: 'test/missing' })));
    await describeSecret(name);
    expect(sm.calls()).toEqual({ CreateSecret: 1, GetSecretValue: 2, DescribeSecret: 1 });
    expect(sm.callCount('GetSecretValue')).toBe(2);
    expect(sm.callCount()).toBe(4);
    sm.resetCalls();
    expect(sm.callCount()).toBe(0);
    expect(sm.calls()).toEqual({});
  });

  it('fails one call with ThrottlingException, which the SDK retries', async () => {
    const { name } = await createSecret('throttled');
    sm.resetCalls();
    sm.injectFault({ operation: 'GetSecretValue', error: 'ThrottlingException', times: 1 });
    const output = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(output.SecretString).toBe('throttled');
    expect(output.$metadata.attempts).toBe(2);
    expect(sm.callCount('GetSecretValue')).toBe(2);
  });

  it('surfaces InternalServiceError after the SDK gives up at 3 attempts', async () => {
    const { name } = await createSecret();
    sm.resetCalls();
    sm.injectFault({ operation: 'DescribeSecret', error: 'InternalServiceError', times: 5, message: 'boom' });
    const error = await rejection(describeSecret(name));
    expect(error.name).toBe('InternalServiceError');
    expect(error.message).toBe('boom');
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(error.$metadata.attempts).toBe(3);
    expect(sm.callCount('DescribeSecret')).toBe(3);
    const recovered = await describeSecret(name);
    expect(recovered.Name).toBe(name);
    expect(recovered.$metadata.attempts).toBe(3);
    expect(sm.callCount('DescribeSecret')).toBe(6);
  });

  it('does not retry an injected client error, and clearFaults drops pending faults', async () => {
    const { name } = await createSecret();
    sm.resetCalls();
    sm.injectFault({ operation: 'PutSecretValue', error: 'EncryptionFailure', times: 2 });
    const error = await rejection(put(name, 'fault-v2-00000000000000000000000', 'x'));
    expect(error.name).toBe('EncryptionFailure');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(sm.callCount('PutSecretValue')).toBe(1);
    sm.clearFaults();
    expect(await put(name, 'fault-v2-00000000000000000000000', 'x')).toEqual(['AWSCURRENT']);
  });

  it('only faults the named operation', async () => {
    const { name } = await createSecret('untouched');
    sm.injectFault({ operation: 'PutSecretValue', error: 'InternalServiceError', times: 1 });
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('untouched');
    expect(sm.callCount('PutSecretValue')).toBe(0);
  });

  it('answers an operation it does not implement with UnknownOperationException', async () => {
    const error = await rejection(client.send(new ListSecretsCommand({})));
    expect(error.name).toBe('UnknownOperationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(sm.callCount('ListSecrets')).toBe(1);
  });
});
