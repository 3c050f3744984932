import { RDS_CLUSTER_TAG, RDS_INSTANCE_TAG } from './constants.js';
import { DeadlineExceededError, MasterSecretError } from './errors.js';
import type { RdsLookups } from './rds-topology.js';
import { parseSecretJson, type SecretJson } from './secret-fields.js';
import type { SecretsRepository } from './secrets-repository.js';

const MAX_TAG_VALUE_LENGTH = 256;

/** RDS-managed master secrets hold exactly these two fields; everything else comes from the RDS API. */
function isManagedMasterShape(json: SecretJson): boolean {
  const keys = Object.keys(json).sort();
  return keys.length === 2 && keys[0] === 'password' && keys[1] === 'username';
}

/** The RDS tag naming the instance or cluster a managed master secret belongs to (keys compared case-insensitively). */
function rdsOwnerTag(tags: ReadonlyMap<string, string>): { kind: 'instance' | 'cluster'; arn: string } | undefined {
  let owner: { kind: 'instance' | 'cluster'; arn: string } | undefined;
  for (const [key, value] of tags) {
    const lower = key.toLowerCase();
    if (lower === RDS_INSTANCE_TAG) owner = { kind: 'instance', arn: value };
    else if (lower === RDS_CLUSTER_TAG && owner === undefined) owner = { kind: 'cluster', arn: value };
  }
  if (owner && (owner.arn.length === 0 || owner.arn.length > MAX_TAG_VALUE_LENGTH)) {
    throw new MasterSecretError('RDS tag on the master secret does not hold a valid ARN', { field: 'masterarn' });
  }
  return owner;
}

/** Fills host, port and engine of an RDS-managed master secret from the instance or cluster its tag names. */
async function completeManagedMaster(
  masterArn: string,
  json: SecretJson,
  secrets: SecretsRepository,
  rds: RdsLookups,
): Promise<SecretJson> {
  const owner = rdsOwnerTag((await secrets.describe(masterArn)).tags);
  if (owner === undefined) {
    throw new MasterSecretError('Master secret holds only username and password and has no RDS tag naming its database', {
      field: 'masterarn',
    });
  }
  if (owner.kind === 'instance') {
    const instance = await rds.describeInstance(owner.arn);
    if (!instance?.Endpoint?.Address) {
      throw new MasterSecretError('RDS instance named by the master secret was not found', { field: 'masterarn' });
    }
    return { ...json, host: instance.Endpoint.Address, port: instance.Endpoint.Port, engine: instance.Engine };
  }
  const cluster = await rds.describeCluster(owner.arn);
  if (!cluster?.Endpoint) {
    throw new MasterSecretError('RDS cluster named by the master secret was not found', { field: 'masterarn' });
  }
  return { ...json, host: cluster.Endpoint, port: cluster.Port, engine: cluster.Engine };
}

/** A partial ARN omits the "-" and six random characters Secrets Manager appends to the secret's name. */
const RANDOM_SUFFIX_LENGTH = 7;

/** Whether `a` and `b` may name the same secret: equal, or one a partial ARN of the other. */
function mayNameSameSecret(a: string, b: string): boolean {
  const partialOf = (full: string, partial: string) => full.startsWith(`${partial}-`) && full.length === partial.length + RANDOM_SUFFIX_LENGTH;
  return a === b || partialOf(a, b) || partialOf(b, a);
}

/**
 * Before anything is written: a `masterarn` that cannot be the master the operator pinned with
 * MASTER_SECRET_ARN fails at once. Only ARN-to-ARN comparisons are conclusive here; the service's own
 * resolution decides the rest when the master is read.
 */
function assertMayBePinnedMaster(pin: string | undefined, masterArn: string): void {
  if (pin === undefined || !pin.startsWith('arn:') || !masterArn.startsWith('arn:')) return;
  if (!mayNameSameSecret(pin, masterArn)) {
    throw new MasterSecretError('Field "masterarn" names another secret than MASTER_SECRET_ARN', { field: 'masterarn' });
  }
}

/**
 * The secret the service resolved `masterarn` to must be the one MASTER_SECRET_ARN names (a full or partial
 * ARN, or a name), and never the secret being rotated: the application secret's writer chooses `masterarn`,
 * the operator chooses the master.
 */
function assertPinnedMaster(pin: string | undefined, resolved: { arn: string | undefined; name: string | undefined }, rotatedArn: string): void {
  if (resolved.arn !== undefined && resolved.arn === rotatedArn) {
    throw new MasterSecretError('Field "masterarn" names the secret being rotated', { field: 'masterarn' });
  }
  if (pin === undefined) return;
  const matches =
    resolved.arn !== undefined && (pin === resolved.name || (pin.startsWith('arn:') && mayNameSameSecret(resolved.arn, pin)));
  if (!matches) throw new MasterSecretError('Field "masterarn" names another secret than MASTER_SECRET_ARN', { field: 'masterarn' });
}

/** Which master secret to read, and what the operator and the rotation allow it to be. */
interface MasterSecretRequest {
  readonly masterArn: string;
  /** MASTER_SECRET_ARN, when set. */
  readonly pin: string | undefined;
  /** The ARN of the secret being rotated, which can never be its own master. */
  readonly rotatedArn: string;
}

/**
 * Reads the master secret's AWSCURRENT JSON, completing an RDS-managed one (only `username` and `password`)
 * from its `aws:rds:primaryDBInstanceArn` / `aws:rds:primaryDBClusterArn` tag through the RDS API. The
 * secret must be the one MASTER_SECRET_ARN pins, and not the rotated secret itself.
 */
async function readMasterSecretJson(request: MasterSecretRequest, secrets: SecretsRepository, rds: RdsLookups): Promise<SecretJson> {
  const { masterArn } = request;
  let read: Awaited<ReturnType<SecretsRepository['otherSecretValue']>>;
  try {
    read = await secrets.otherSecretValue(masterArn);
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw error;
    throw new MasterSecretError('Master secret named by "masterarn" cannot be read', { field: 'masterarn', cause: error });
  }
  assertPinnedMaster(request.pin, read, request.rotatedArn);
  if (read.value === undefined) throw new MasterSecretError('Master secret has no SecretString', { field: 'masterarn' });
  const json = parseSecretJson(read.value, 'master');
  if (!isManagedMasterShape(json)) return json;
  try {
    return await completeManagedMaster(masterArn, json, secrets, rds);
  } catch (error) {
    if (error instanceof MasterSecretError || error instanceof DeadlineExceededError) throw error;
    throw new MasterSecretError('RDS-managed master secret cannot be completed from the RDS API', {
      field: 'masterarn',
      cause: error,
    });
  }
}

export { assertMayBePinnedMaster, readMasterSecretJson };
export type { MasterSecretRequest };
