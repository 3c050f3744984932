import type { JsonObject } from '../aws/json-protocol-server.js';
import { generateRandomPassword } from './random-password.js';
import {
  optionalBoolean,
  optionalClientRequestToken,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  optionalTags,
  requiredClientRequestToken,
  requiredString,
} from './request-fields.js';
import { type Secret, type SecretStore, type SecretVersion, StagingLabel } from './secret-store.js';

/** One Secrets Manager operation: JSON request in, JSON response out. */
type SecretsManagerOperation = (input: JsonObject) => object;

/** The JSON protocol sends timestamps as epoch seconds (fractional), the SDK's default for this service. */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function stagesOf(version: SecretVersion): string[] {
  return [...version.stages];
}

function identity(secret: Secret): { ARN: string; Name: string } {
  return { ARN: secret.arn, Name: secret.name };
}

function labelledVersions(secret: Secret): SecretVersion[] {
  return [...secret.versions.values()].filter((version) => version.stages.size > 0);
}

function describeSecret(secret: Secret): object {
  const versions = labelledVersions(secret);
  return {
    ...identity(secret),
    Description: secret.description,
    KmsKeyId: secret.kmsKeyId,
    // Absent, not false, for a secret whose rotation was never configured: callers must treat absent as off.
    RotationEnabled: secret.rotationEnabled,
    RotationLambdaARN: secret.rotationLambdaArn,
    RotationRules: secret.rotationRules,
    LastRotatedDate: secret.lastRotatedDate && epochSeconds(secret.lastRotatedDate),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    DeletedDate: secret.deletedDate && epochSeconds(secret.deletedDate),
    Tags: secret.tags.size === 0 ? undefined : [...secret.tags].map(([Key, Value]) => ({ Key, Value })),
    VersionIdsToStages:
      versions.length === 0 ? undefined : Object.fromEntries(versions.map((version) => [version.versionId, stagesOf(version)])),
    CreatedDate: epochSeconds(secret.createdDate),
  };
}

/** The operations the local Secrets Manager serves, by name, each backed by `store`. */
function secretsManagerOperations(store: SecretStore): ReadonlyMap<string, SecretsManagerOperation> {
  return new Map<string, SecretsManagerOperation>([
    [
      'CreateSecret',
      (input) => {
        const secretString = optionalString(input, 'SecretString');
        const { secret, version } = store.create({
          name: requiredString(input, 'Name'),
          secretString,
          clientRequestToken: secretString === undefined ? optionalClientRequestToken(input) : requiredClientRequestToken(input),
          description: optionalString(input, 'Description'),
          kmsKeyId: optionalString(input, 'KmsKeyId'),
          tags: optionalTags(input, 'Tags'),
        });
        return { ...identity(secret), VersionId: version?.versionId };
      },
    ],
    ['DescribeSecret', (input) => describeSecret(store.describe(requiredString(input, 'SecretId')))],
    [
      'GetSecretValue',
      (input) => {
        const { secret, version } = store.getValue(
          requiredString(input, 'SecretId'),
          optionalString(input, 'VersionId'),
          optionalString(input, 'VersionStage'),
        );
        return {
          ...identity(secret),
          VersionId: version.versionId,
          SecretString: version.secretString,
          VersionStages: stagesOf(version),
          CreatedDate: epochSeconds(version.createdDate),
        };
      },
    ],
    [
      'PutSecretValue',
      (input) => {
        const { secret, version } = store.putValue(
          requiredString(input, 'SecretId'),
          requiredClientRequestToken(input),
          requiredString(input, 'SecretString'),
          optionalStringList(input, 'VersionStages') ?? [StagingLabel.Current],
        );
        return { ...identity(secret), VersionId: version.versionId, VersionStages: stagesOf(version) };
      },
    ],
    [
      'UpdateSecretVersionStage',
      (input) =>
        identity(
          store.updateStage(
            requiredString(input, 'SecretId'),
            requiredString(input, 'VersionStage'),
            optionalString(input, 'MoveToVersionId'),
            optionalString(input, 'RemoveFromVersionId'),
          ),
        ),
    ],
    [
      'ListSecretVersionIds',
      (input) => {
        const secret = store.describe(requiredString(input, 'SecretId'));
        const all = optionalBoolean(input, 'IncludeDeprecated') === true;
        const versions = all ? [...secret.versions.values()] : labelledVersions(secret);
        return {
          ...identity(secret),
          Versions: versions.map((version) => ({
            VersionId: version.versionId,
            VersionStages: version.stages.size === 0 ? undefined : stagesOf(version),
            CreatedDate: epochSeconds(version.createdDate),
          })),
        };
      },
    ],
    [
      'GetRandomPassword',
      (input) => ({
        RandomPassword: generateRandomPassword({
          passwordLength: optionalInteger(input, 'PasswordLength'),
          excludeCharacters: optionalString(input, 'ExcludeCharacters'),
          excludeNumbers: optionalBoolean(input, 'ExcludeNumbers'),
          excludePunctuation: optionalBoolean(input, 'ExcludePunctuation'),
          excludeUppercase: optionalBoolean(input, 'ExcludeUppercase'),
          excludeLowercase: optionalBoolean(input, 'ExcludeLowercase'),
          includeSpace: optionalBoolean(input, 'IncludeSpace'),
          requireEachIncludedType: optionalBoolean(input, 'RequireEachIncludedType'),
        }),
      }),
    ],
    [
      'RotateSecret',
      (input) => {
        const { secret, version } = store.rotate(requiredString(input, 'SecretId'), {
          clientRequestToken: optionalClientRequestToken(input),
          rotationLambdaArn: optionalString(input, 'RotationLambdaARN'),
          rotationRules: optionalObject(input, 'RotationRules'),
          rotateImmediately: optionalBoolean(input, 'RotateImmediately'),
        });
        return { ...identity(secret), VersionId: version?.versionId };
      },
    ],
    [
      'CancelRotateSecret',
      (input) => {
        const { secret, version } = store.cancelRotation(requiredString(input, 'SecretId'));
        return { ...identity(secret), VersionId: version?.versionId };
      },
    ],
    [
      'TagResource',
      (input) => {
        store.tag(requiredString(input, 'SecretId'), optionalTags(input, 'Tags') ?? []);
        return {};
      },
    ],
    [
      'UntagResource',
      (input) => {
        store.untag(requiredString(input, 'SecretId'), optionalStringList(input, 'TagKeys') ?? []);
        return {};
      },
    ],
    [
      'DeleteSecret',
      (input) => {
        const { secret, deletionDate } = store.delete(requiredString(input, 'SecretId'), {
          forceDeleteWithoutRecovery: optionalBoolean(input, 'ForceDeleteWithoutRecovery'),
          recoveryWindowInDays: optionalInteger(input, 'RecoveryWindowInDays'),
        });
        return { ...identity(secret), DeletionDate: epochSeconds(deletionDate) };
      },
    ],
  ]);
}

export { secretsManagerOperations };
export type { SecretsManagerOperation };
