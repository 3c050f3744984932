import { RDS_CLUSTER_TAG, RDS_INSTANCE_TAG } from './constants.js';
import { MasterSecretError } from './errors.js';
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

/**
 * Reads the master secret's AWSCURRENT JSON, completing an RDS-managed one (only `username` and `password`)
 * from its `aws:rds:primaryDBInstanceArn` / `aws:rds:primaryDBClusterArn` tag through the RDS API.
 */
async function readMasterSecretJson(masterArn: string, secrets: SecretsRepository, rds: RdsLookups): Promise<SecretJson> {
  let value: string | undefined;
  try {
    value = await secrets.otherSecretValue(masterArn);
  } catch (error) {
    throw new MasterSecretError('Master secret named by "masterarn" cannot be read', { field: 'masterarn', cause: error });
  }
  if (value === undefined) throw new MasterSecretError('Master secret has no SecretString', { field: 'masterarn' });
  const json = parseSecretJson(value, 'master');
  if (!isManagedMasterShape(json)) return json;
  try {
    return await completeManagedMaster(masterArn, json, secrets, rds);
  } catch (error) {
    if (error instanceof MasterSecretError) throw error;
    throw new MasterSecretError('RDS-managed master secret cannot be completed from the RDS API', {
      field: 'masterarn',
      cause: error,
    });
  }
}

export { readMasterSecretJson };
