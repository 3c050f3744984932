import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetRandomPasswordCommand,
  type GetRandomPasswordCommandOutput,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ListSecretVersionIdsCommand,
  type ListSecretVersionIdsCommandOutput,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { PasswordPolicy } from './config.js';
import { StagingLabel } from './constants.js';
import { currentDeadline } from './deadline.js';
import { DeadlineExceededError, RotationError, SecretsManagerError } from './errors.js';
import { withRetries } from './retry.js';
import type { SecretScrubber } from './secret-scrubber.js';

/** The part of the SDK client core uses; tests of pure logic may pass a fake. */
type SecretsManagerSender = Pick<SecretsManagerClient, 'send'>;

/** What DescribeSecret tells the rotation: identity, whether rotation is on, and which version holds which label. */
interface SecretMetadata {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly versionStages: ReadonlyMap<string, readonly string[]>;
  readonly tags: ReadonlyMap<string, string>;
}

/** Error names of a throttled request: the SDK retries these itself first. */
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** Versions whose values we keep; a rotation touches at most three of one secret. */
const MAX_CACHED_VERSIONS = 16;

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** The version carrying `label`, if any. */
function versionWithLabel(metadata: SecretMetadata, label: string): string | undefined {
  for (const [versionId, stages] of metadata.versionStages) {
    if (stages.includes(label)) return versionId;
  }
  return undefined;
}

/**
 * Every Secrets Manager call a rotation makes, in one place. A version's value never changes once written,
 * so values read by version id are kept for the next step of the same rotation in a warm container: that
 * is what keeps a rotation within 11 calls. Every value read or generated is handed to the scrubber.
 */
class SecretsRepository {
  readonly #client: SecretsManagerSender;
  readonly #scrubber: SecretScrubber;
  readonly #values = new Map<string, string>();

  constructor(client: SecretsManagerSender, scrubber: SecretScrubber) {
    this.#client = client;
    this.#scrubber = scrubber;
  }

  /** DescribeSecret. */
  async describe(secretId: string): Promise<SecretMetadata> {
    const output = await this.#call('DescribeSecret', () => this.#send<DescribeSecretCommandOutput>('DescribeSecret', new DescribeSecretCommand({ SecretId: secretId })));
    return {
      arn: output.ARN ?? secretId,
      name: output.Name ?? secretId,
      rotationEnabled: output.RotationEnabled === true,
      versionStages: new Map(Object.entries(output.VersionIdsToStages ?? {})),
      tags: new Map((output.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    };
  }

  /** The value of a version by id, or undefined when the version has no value yet (the AWSPENDING stub). */
  async findVersionValue(arn: string, versionId: string): Promise<string | undefined> {
    const key = `${arn}\u0000${versionId}`;
    const cached = this.#values.get(key);
    if (cached !== undefined) return cached;
    let value: string | undefined;
    try {
      const output = await this.#send<GetSecretValueCommandOutput>('GetSecretValue', new GetSecretValueCommand({ SecretId: arn, VersionId: versionId }));
      value = output.SecretString;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw this.#wrap('GetSecretValue', error);
    }
    if (value === undefined) {
      throw new SecretsManagerError('Secret version holds binary data; rotation needs a SecretString', {
        field: 'SecretString',
      });
    }
    this.#remember(key, value);
    return value;
  }

  /**
   * The ids of the secret's versions, newest first, including those no label points at any more
   * (ListSecretVersionIds with IncludeDeprecated), at most `limit` of them.
   */
  async versionIdsNewestFirst(arn: string, limit: number): Promise<string[]> {
    const output = await this.#call('ListSecretVersionIds', () =>
      this.#send<ListSecretVersionIdsCommandOutput>('ListSecretVersionIds', new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, MaxResults: 100 })),
    );
    return (output.Versions ?? [])
      .filter((version) => version.VersionId !== undefined)
      .sort((a, b) => (b.CreatedDate?.getTime() ?? 0) - (a.CreatedDate?.getTime() ?? 0))
      .slice(0, limit)
      .map((version) => version.VersionId as string);
  }

  /** Whether this container already read or wrote a value for the version (values never change once set). */
  hasVersionValue(arn: string, versionId: string): boolean {
    return this.#values.has(`${arn}\u0000${versionId}`);
  }

  /** The value of the version labelled AWSCURRENT (read by id, so it can be cached). */
  async currentValue(metadata: SecretMetadata): Promise<string> {
    const versionId = versionWithLabel(metadata, StagingLabel.Current);
    const value = versionId === undefined ? undefined : await this.findVersionValue(metadata.arn, versionId);
    if (value === undefined) throw new SecretsManagerError('Secret has no AWSCURRENT value');
    return value;
  }

  /**
   * The AWSCURRENT value of another secret (the master secret), with the ARN and name the service resolved
   * the id to; never cached, as it rotates on its own.
   */
  async otherSecretValue(secretId: string): Promise<{ value: string | undefined; arn: string | undefined; name: string | undefined }> {
    const output = await this.#call('GetSecretValue', () =>
      this.#send<GetSecretValueCommandOutput>('GetSecretValue', new GetSecretValueCommand({ SecretId: secretId, VersionStage: StagingLabel.Current })),
    );
    this.#scrubber.addSecretString(output.SecretString);
    return { value: output.SecretString, arn: output.ARN, name: output.Name };
  }

  /** GetRandomPassword with the configured rules. */
  async randomPassword(policy: PasswordPolicy): Promise<string> {
    const output = await this.#call('GetRandomPassword', () =>
      this.#send<GetRandomPasswordCommandOutput>(
        'GetRandomPassword',
        new GetRandomPasswordCommand({
          PasswordLength: policy.length,
          ...(policy.excludeCharacters === '' ? {} : { ExcludeCharacters: policy.excludeCharacters }),
          ExcludeNumbers: policy.excludeNumbers,
          ExcludePunctuation: policy.excludePunctuation,
          ExcludeUppercase: policy.excludeUppercase,
          ExcludeLowercase: policy.excludeLowercase,
          RequireEachIncludedType: policy.requireEachIncludedType,
          IncludeSpace: false,
        }),
      ),
    );
    if (!output.RandomPassword) throw new SecretsManagerError('GetRandomPassword returned no password');
    this.#scrubber.add(output.RandomPassword);
    return output.RandomPassword;
  }

  /**
   * PutSecretValue as AWSPENDING under the rotation's token. Returns false when the version already holds a
   * different value (ResourceExistsException): an earlier attempt or a concurrent invocation stored it first,
   * and that value wins.
   */
  async putPending(arn: string, token: string, value: string): Promise<boolean> {
    this.#scrubber.addSecretString(value);
    try {
      await this.#send(
        'PutSecretValue',
        new PutSecretValueCommand({
          SecretId: arn,
          ClientRequestToken: token,
          SecretString: value,
          VersionStages: [StagingLabel.Pending],
        }),
      );
    } catch (error) {
      if (errorName(error) === 'ResourceExistsException') return false;
      throw this.#wrap('PutSecretValue', error);
    }
    this.#remember(`${arn}\u0000${token}`, value);
    return true;
  }

  /** UpdateSecretVersionStage moving AWSCURRENT to `token`; Secrets Manager labels the old one AWSPREVIOUS. */
  async moveCurrent(arn: string, token: string, from: string | undefined): Promise<void> {
    await this.#call('UpdateSecretVersionStage', () =>
      this.#send(
        'UpdateSecretVersionStage',
        new UpdateSecretVersionStageCommand({
          SecretId: arn,
          VersionStage: StagingLabel.Current,
          MoveToVersionId: token,
          ...(from === undefined ? {} : { RemoveFromVersionId: from }),
        }),
      ),
    );
  }

  /** Drops the cached values of a secret once its rotation has finished. */
  forget(arn: string): void {
    for (const key of this.#values.keys()) {
      if (key.startsWith(`${arn}\u0000`)) this.#values.delete(key);
    }
  }

  #remember(key: string, value: string): void {
    this.#scrubber.addSecretString(value);
    this.#values.set(key, value);
    if (this.#values.size > MAX_CACHED_VERSIONS) {
      const oldest = this.#values.keys().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
  }

  async #call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.#wrap(operation, error);
    }
  }

  /**
   * Sends one command, bounded by the step's deadline (the SDK's abort signal), and tries again on
   * throttling the SDK's own retries did not absorb, with capped, jittered pauses while the deadline allows.
   */
  #send<T>(operation: string, command: object): Promise<T> {
    const deadline = currentDeadline();
    const attempt = async () => {
      try {
        return (await this.#client.send(command as never, deadline === undefined ? {} : { abortSignal: deadline.signal() })) as T;
      } catch (error) {
        if (THROTTLING.has(errorName(error) ?? '')) throw new SecretsManagerError(`Secrets Manager ${operation} throttled`, { field: operation, cause: error, transient: true });
        throw error;
      }
    };
    return deadline === undefined ? attempt() : withRetries(attempt, { deadline });
  }

  #wrap(operation: string, error: unknown): RotationError {
    if (error instanceof RotationError) return error;
    if (errorName(error) === 'AbortError' && currentDeadline() !== undefined) {
      return new DeadlineExceededError(`Secrets Manager ${operation}`, { cause: error });
    }
    const name = errorName(error) ?? 'Error';
    return new SecretsManagerError(`Secrets Manager ${operation} failed (${name})`, { field: operation, cause: error });
  }
}

export { SecretsRepository, versionWithLabel };
export type { SecretMetadata, SecretsManagerSender };
