import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws/service-error.js';
import type { SecretTag } from './request-fields.js';
import { newSecretArn, secretArnPrefix } from './secret-arn.js';

/** The staging labels Secrets Manager gives meaning to. */
const StagingLabel = { Current: 'AWSCURRENT', Pending: 'AWSPENDING', Previous: 'AWSPREVIOUS' } as const;

/** Rotation schedule, kept as sent (`AutomaticallyAfterDays`, `Duration`, `ScheduleExpression`). */
type RotationRules = Readonly<Record<string, unknown>>;

interface MutableVersion {
  readonly versionId: string;
  secretString: string | undefined;
  readonly stages: Set<string>;
  readonly createdDate: Date;
}

interface MutableSecret {
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly kmsKeyId: string | undefined;
  readonly tags: Map<string, string>;
  readonly versions: Map<string, MutableVersion>;
  readonly createdDate: Date;
  /** Undefined until rotation is first configured: DescribeSecret then omits RotationEnabled. */
  rotationEnabled: boolean | undefined;
  rotationLambdaArn: string | undefined;
  rotationRules: RotationRules | undefined;
  lastRotatedDate: Date | undefined;
  lastChangedDate: Date;
  deletedDate: Date | undefined;
}

/** One version of a secret; `secretString` is undefined for the AWSPENDING stub RotateSecret creates. */
interface SecretVersion {
  readonly versionId: string;
  readonly secretString: string | undefined;
  readonly stages: ReadonlySet<string>;
  readonly createdDate: Date;
}

/** A secret as stored; versions are in creation order and include those left without labels. */
interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly kmsKeyId: string | undefined;
  readonly tags: ReadonlyMap<string, string>;
  readonly versions: ReadonlyMap<string, SecretVersion>;
  readonly createdDate: Date;
  /** Undefined for a secret whose rotation was never configured. */
  readonly rotationEnabled: boolean | undefined;
  readonly rotationLambdaArn: string | undefined;
  readonly rotationRules: RotationRules | undefined;
  readonly lastRotatedDate: Date | undefined;
  readonly lastChangedDate: Date;
  readonly deletedDate: Date | undefined;
}

/** CreateSecret's parameters. */
interface CreateSecretRequest {
  readonly name: string;
  readonly secretString?: string;
  readonly clientRequestToken?: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags?: readonly SecretTag[];
}

/** RotateSecret's parameters besides the secret. */
interface RotateSecretRequest {
  readonly clientRequestToken?: string;
  readonly rotationLambdaArn?: string;
  readonly rotationRules?: RotationRules;
  readonly rotateImmediately?: boolean;
}

/** DeleteSecret's parameters besides the secret. */
interface DeleteSecretRequest {
  readonly forceDeleteWithoutRecovery?: boolean;
  readonly recoveryWindowInDays?: number;
}

/** A secret together with the version an operation read or wrote. */
interface SecretAndVersion {
  readonly secret: Secret;
  readonly version: SecretVersion;
}

/** A secret together with the version an operation created or found, when there is one. */
interface SecretAndMaybeVersion {
  readonly secret: Secret;
  readonly version: SecretVersion | undefined;
}

/**
 * What finishSecret's move of AWSCURRENT onto the AWSPENDING version leaves on it. The API reference documents
 * both end states: UpdateSecretVersionStage adds the label to the version's existing ones ('kept'), and
 * RotateSecret says that after a successful rotation AWSPENDING may be on the AWSCURRENT version or on no
 * version at all ('removed'). Handlers must work with either.
 */
type PendingAfterRotation = 'removed' | 'kept';

const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const DAY_MS = 86_400_000;

function secretNotFound(): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

function valueNotFound(by: 'VersionId' | 'staging label', id: string): AwsServiceError {
  return new AwsServiceError(
    'ResourceNotFoundException',
    `Secrets Manager can't find the specified secret value for ${by}: ${id}`,
  );
}

function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message);
}

function versionWithStage(secret: MutableSecret, stage: string): MutableVersion | undefined {
  for (const version of secret.versions.values()) {
    if (version.stages.has(stage)) return version;
  }
  return undefined;
}

/**
 * Attaches `stage` to `version`, taking it off whichever version had it: a label names one version per secret.
 * When AWSCURRENT moves, the version it leaves gets AWSPREVIOUS, as the real service does.
 */
function attachStage(secret: MutableSecret, version: MutableVersion, stage: string): void {
  const holder = versionWithStage(secret, stage);
  if (holder === version) return;
  holder?.stages.delete(stage);
  version.stages.add(stage);
  if (stage === StagingLabel.Current && holder !== undefined) attachStage(secret, holder, StagingLabel.Previous);
}

/**
 * The in-memory state of a Secrets Manager account in one region, and the service's rules for it. Every method
 * is synchronous, so an operation is applied whole; failures throw `AwsServiceError` with the type and message
 * the real service uses.
 */
class SecretStore {
  readonly #arnPrefix: string;
  readonly #byName = new Map<string, MutableSecret>();
  readonly #byArn = new Map<string, MutableSecret>();
  /** The end state a finished rotation leaves; tests may switch it. */
  pendingAfterRotation: PendingAfterRotation;

  constructor(region: string, accountId: string, pendingAfterRotation: PendingAfterRotation = 'removed') {
    this.#arnPrefix = secretArnPrefix(region, accountId);
    this.pendingAfterRotation = pendingAfterRotation;
  }

  /** CreateSecret: a secret with, when a value is given, a first version labelled AWSCURRENT. */
  create(request: CreateSecretRequest): SecretAndMaybeVersion {
    if (!NAME_PATTERN.test(request.name)) {
      throw invalidParameter(
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@',
      );
    }
    const existing = this.#byName.get(request.name);
    if (existing !== undefined) return this.#createAgain(existing, request);

    const now = new Date();
    const secret: MutableSecret = {
      arn: newSecretArn(this.#arnPrefix, request.name),
      name: request.name,
      description: request.description,
      kmsKeyId: request.kmsKeyId,
      tags: new Map((request.tags ?? []).map((tag) => [tag.key, tag.value])),
      versions: new Map(),
      createdDate: now,
      rotationEnabled: undefined,
      rotationLambdaArn: undefined,
      rotationRules: undefined,
      lastRotatedDate: undefined,
      lastChangedDate: now,
      deletedDate: undefined,
    };
    let version: MutableVersion | undefined;
    if (request.secretString !== undefined) {
      version = this.#addVersion(secret, request.clientRequestToken ?? randomUUID(), request.secretString, now);
      version.stages.add(StagingLabel.Current);
    }
    this.#byName.set(secret.name, secret);
    this.#byArn.set(secret.arn, secret);
    return { secret, version };
  }

  /** The secret `secretId` names: its full ARN, its name, or its ARN without the random suffix. */
  describe(secretId: string): Secret {
    return this.#find(secretId);
  }

  /** GetSecretValue: the version by id and/or stage (AWSCURRENT when neither is given); it must hold a value. */
  getValue(secretId: string, versionId?: string, versionStage?: string): SecretAndVersion {
    const secret = this.#live(secretId);
    let version: MutableVersion | undefined;
    let notFound: AwsServiceError;
    if (versionId !== undefined) {
      version = secret.versions.get(versionId);
      notFound = valueNotFound('VersionId', versionId);
      if (version !== undefined && versionStage !== undefined && !version.stages.has(versionStage)) {
        throw valueNotFound('staging label', versionStage);
      }
    } else {
      const stage = versionStage ?? StagingLabel.Current;
      version = versionWithStage(secret, stage);
      notFound = valueNotFound('staging label', stage);
    }
    if (version?.secretString === undefined) throw notFound;
    return { secret, version };
  }

  /**
   * PutSecretValue. The token names the version: resending the same value is a no-op, a different value is a
   * ResourceExistsException (versions are immutable), and the value-less AWSPENDING stub is filled in.
   */
  putValue(secretId: string, token: string, secretString: string, stages: readonly string[]): SecretAndVersion {
    const secret = this.#live(secretId);
    if (stages.length === 0) throw invalidParameter('VersionStages must contain at least one staging label.');
    const now = new Date();
    let version = secret.versions.get(token);
    if (version?.secretString !== undefined) {
      if (version.secretString === secretString) return { secret, version };
      throw new AwsServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    if (version === undefined) version = this.#addVersion(secret, token, secretString, now);
    else version.secretString = secretString;
    for (const stage of stages) attachStage(secret, version, stage);
    secret.lastChangedDate = now;
    return { secret, version };
  }

  /**
   * UpdateSecretVersionStage. Moving a label that another version carries requires naming that version in
   * `removeFromVersionId`, which makes the call a compare-and-swap. Moving AWSCURRENT onto the version carrying
   * AWSPENDING completes that rotation: LastRotatedDate is set, and the pending label goes or stays as
   * `pendingAfterRotation` says.
   */
  updateStage(secretId: string, stage: string, moveToVersionId?: string, removeFromVersionId?: string): Secret {
    const secret = this.#live(secretId);
    const now = new Date();
    const holder = versionWithStage(secret, stage);
    const target = moveToVersionId === undefined ? undefined : secret.versions.get(moveToVersionId);
    if (moveToVersionId === undefined && removeFromVersionId === undefined) {
      throw invalidParameter('You must specify MoveToVersionId or RemoveFromVersionId.');
    }
    if (moveToVersionId !== undefined && target === undefined) {
      throw invalidParameter(`The parameter MoveToVersionId ${moveToVersionId} doesn't match any version of the secret.`);
    }
    const mustNameHolder = removeFromVersionId !== undefined || (holder !== undefined && holder !== target);
    if (mustNameHolder && holder?.versionId !== removeFromVersionId) {
      throw invalidParameter(
        "The parameter RemoveFromVersionId is missing or doesn't match the version the staging label is currently attached to.",
      );
    }
    if (target === undefined) {
      if (stage === StagingLabel.Current) {
        throw invalidParameter(
          "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.",
        );
      }
      holder?.stages.delete(stage);
    } else {
      const completesRotation =
        stage === StagingLabel.Current && holder !== target && target.stages.has(StagingLabel.Pending);
      attachStage(secret, target, stage);
      if (completesRotation) {
        if (this.pendingAfterRotation === 'removed') target.stages.delete(StagingLabel.Pending);
        secret.lastRotatedDate = now;
      }
    }
    secret.lastChangedDate = now;
    return secret;
  }

  /**
   * RotateSecret: enables rotation and, unless `rotateImmediately` is false, creates the AWSPENDING stub (a
   * version without a value) the rotation function's steps fill in. It refuses while another rotation's
   * AWSPENDING version is not yet AWSCURRENT.
   */
  rotate(secretId: string, request: RotateSecretRequest): SecretAndMaybeVersion {
    const secret = this.#live(secretId);
    const token = request.clientRequestToken ?? randomUUID();
    const pending = versionWithStage(secret, StagingLabel.Pending);
    const inProgress = pending !== undefined && !pending.stages.has(StagingLabel.Current);
    if (inProgress && pending.versionId === token && pending.secretString === undefined) {
      return { secret, version: pending };
    }
    if (inProgress) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "A previous rotation isn't complete. That rotation will be reattempted.",
      );
    }
    const now = new Date();
    if (request.rotateImmediately !== false && secret.versions.has(token)) {
      throw new AwsServiceError('ResourceExistsException', `A version with the ClientRequestToken ${token} already exists.`);
    }
    if (request.rotationLambdaArn !== undefined) secret.rotationLambdaArn = request.rotationLambdaArn;
    if (request.rotationRules !== undefined) secret.rotationRules = request.rotationRules;
    secret.rotationEnabled = true;
    secret.lastChangedDate = now;
    if (request.rotateImmediately === false) return { secret, version: undefined };
    pending?.stages.delete(StagingLabel.Pending);
    const version = this.#addVersion(secret, token, undefined, now);
    version.stages.add(StagingLabel.Pending);
    return { secret, version };
  }

  /** CancelRotateSecret: turns rotation off and leaves labels as they are; returns the unfinished version, if any. */
  cancelRotation(secretId: string): SecretAndMaybeVersion {
    const secret = this.#live(secretId);
    secret.rotationEnabled = false;
    secret.lastChangedDate = new Date();
    const pending = versionWithStage(secret, StagingLabel.Pending);
    return { secret, version: pending?.stages.has(StagingLabel.Current) === false ? pending : undefined };
  }

  /** Turns rotation on or off without any other effect (a test shortcut, not an AWS operation). */
  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.#live(secretId).rotationEnabled = enabled;
  }

  /** TagResource: adds tags, replacing the values of keys already present. */
  tag(secretId: string, tags: readonly SecretTag[]): void {
    const secret = this.#live(secretId);
    for (const tag of tags) secret.tags.set(tag.key, tag.value);
  }

  /** UntagResource: removes tags by key. */
  untag(secretId: string, keys: readonly string[]): void {
    const secret = this.#live(secretId);
    for (const key of keys) secret.tags.delete(key);
  }

  /**
   * DeleteSecret: removes the secret at once with `forceDeleteWithoutRecovery`, otherwise schedules it (7 to 30
   * days, default 30); a scheduled secret can only be described, and its name stays taken.
   */
  delete(secretId: string, request: DeleteSecretRequest): { secret: Secret; deletionDate: Date } {
    if (request.forceDeleteWithoutRecovery === true && request.recoveryWindowInDays !== undefined) {
      throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const window = request.recoveryWindowInDays ?? 30;
    if (window < 7 || window > 30) throw invalidParameter('RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    const secret = this.#live(secretId);
    const now = new Date();
    if (request.forceDeleteWithoutRecovery === true) {
      this.#byName.delete(secret.name);
      this.#byArn.delete(secret.arn);
      return { secret, deletionDate: now };
    }
    secret.deletedDate = now;
    return { secret, deletionDate: new Date(now.getTime() + window * DAY_MS) };
  }

  #createAgain(existing: MutableSecret, request: CreateSecretRequest): SecretAndMaybeVersion {
    if (existing.deletedDate !== undefined) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    // An SDK retry of a CreateSecret that did succeed carries the same token and value: answer it again.
    const version = request.clientRequestToken === undefined ? undefined : existing.versions.get(request.clientRequestToken);
    if (version !== undefined && version.secretString === request.secretString) return { secret: existing, version };
    throw new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${request.name} already exists.`);
  }

  #addVersion(secret: MutableSecret, versionId: string, secretString: string | undefined, now: Date): MutableVersion {
    const version: MutableVersion = { versionId, secretString, stages: new Set(), createdDate: now };
    secret.versions.set(versionId, version);
    return version;
  }

  #find(secretId: string): MutableSecret {
    const secret =
      this.#byArn.get(secretId) ??
      this.#byName.get(secretId) ??
      (secretId.startsWith(this.#arnPrefix) ? this.#byName.get(secretId.slice(this.#arnPrefix.length)) : undefined);
    if (secret === undefined) throw secretNotFound();
    return secret;
  }

  #live(secretId: string): MutableSecret {
    const secret = this.#find(secretId);
    if (secret.deletedDate !== undefined) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }
}

export { SecretStore, StagingLabel };
export type {
  CreateSecretRequest,
  DeleteSecretRequest,
  PendingAfterRotation,
  RotateSecretRequest,
  RotationRules,
  Secret,
  SecretAndMaybeVersion,
  SecretAndVersion,
  SecretVersion,
};
