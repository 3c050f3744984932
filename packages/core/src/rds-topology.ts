import type { DBCluster, DBInstance, RDSClient } from '@aws-sdk/client-rds';
import { currentDeadline } from './deadline.js';
import { DeadlineExceededError, RdsLookupError } from './errors.js';
import type * as RdsSdk from './rds-client.js';
import { normalizeHost } from './secret-fields.js';

/** What core asks of the RDS control plane; the default is the SDK client, loaded only when first needed. */
interface RdsLookups {
  describeInstance(identifier: string): Promise<DBInstance | undefined>;
  describeCluster(identifier: string): Promise<DBCluster | undefined>;
}

/** Endpoint domains RDS, Aurora and DocumentDB hand out (commercial, China, and the isolated partitions). */
const RDS_HOST = /\.(rds|docdb|docdb-elastic)\.(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;

/** Whether a host is an RDS-issued endpoint, the only kind whose topology the RDS API can confirm. */
function isRdsHost(host: string): boolean {
  return RDS_HOST.test(normalizeHost(host));
}

function firstLabel(host: string): string {
  return normalizeHost(host).split('.')[0] ?? '';
}

/** A cluster endpoint's second label is `cluster-<hash>` (writer) or `cluster-ro-<hash>` (reader). */
function isClusterEndpoint(host: string): boolean {
  return normalizeHost(host).split('.')[1]?.startsWith('cluster-') ?? false;
}

/**
 * The SDK-backed lookups. `@aws-sdk/client-rds` is imported on first use: most rotations never need it, and
 * the bundler keeps the dynamic import lazy, so it costs nothing at cold start.
 */
class SdkRdsLookups implements RdsLookups {
  readonly #endpoint: string | undefined;
  #client: Promise<{ client: RDSClient; sdk: typeof RdsSdk }> | undefined;

  constructor(endpoint: string | undefined) {
    this.#endpoint = endpoint;
  }

  async describeInstance(identifier: string): Promise<DBInstance | undefined> {
    const { client, sdk } = await this.#load();
    try {
      const output = await client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }), abortAtDeadline());
      return output.DBInstances?.[0];
    } catch (error) {
      if (error instanceof Error && error.name === 'DBInstanceNotFoundFault') return undefined;
      throw lookupFailure('DescribeDBInstances', error);
    }
  }

  async describeCluster(identifier: string): Promise<DBCluster | undefined> {
    const { client, sdk } = await this.#load();
    try {
      const output = await client.send(new sdk.DescribeDBClustersCommand({ DBClusterIdentifier: identifier }), abortAtDeadline());
      return output.DBClusters?.[0];
    } catch (error) {
      if (error instanceof Error && error.name === 'DBClusterNotFoundFault') return undefined;
      throw lookupFailure('DescribeDBClusters', error);
    }
  }

  #load(): Promise<{ client: RDSClient; sdk: typeof RdsSdk }> {
    this.#client ??= import('./rds-client.js').then((sdk) => ({
      sdk,
      client: new sdk.RDSClient({
        ...(this.#endpoint === undefined ? {} : { endpoint: this.#endpoint }),
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 },
      }),
    }));
    return this.#client;
  }
}

/** The SDK's per-call options: abort when the step's deadline passes. */
function abortAtDeadline(): { abortSignal?: AbortSignal } {
  const deadline = currentDeadline();
  return deadline === undefined ? {} : { abortSignal: deadline.signal() };
}

function lookupFailure(operation: string, error: unknown): RdsLookupError | DeadlineExceededError {
  if (error instanceof Error && error.name === 'AbortError' && currentDeadline() !== undefined) {
    return new DeadlineExceededError(`RDS ${operation}`, { cause: error });
  }
  return new RdsLookupError(`RDS ${operation} failed`, { cause: error });
}

/** The cluster a master host belongs to, whether given as a cluster endpoint or as an instance endpoint. */
async function clusterOfMaster(masterHost: string, rds: RdsLookups): Promise<DBCluster | undefined> {
  if (isClusterEndpoint(masterHost)) {
    const cluster = await rds.describeCluster(firstLabel(masterHost));
    return cluster && normalizeHost(cluster.Endpoint ?? '') === normalizeHost(masterHost) ? cluster : undefined;
  }
  const instance = await rds.describeInstance(firstLabel(masterHost));
  if (!instance?.DBClusterIdentifier) return undefined;
  if (normalizeHost(instance.Endpoint?.Address ?? '') !== normalizeHost(masterHost)) return undefined;
  return rds.describeCluster(instance.DBClusterIdentifier);
}

/**
 * Whether `host` is served by the same database as the master at `masterHost`: a read replica of the master
 * instance, the reader endpoint of the master's Aurora cluster, or any instance of that cluster (the writer
 * instance too, which AWS's templates reject). Every match is confirmed against the endpoint RDS reports,
 * not inferred from the host name alone. Hosts that are not RDS endpoints are never looked up.
 */
async function isReplicaOfMaster(host: string, masterHost: string, rds: RdsLookups): Promise<boolean> {
  if (!isRdsHost(host) || !isRdsHost(masterHost)) return false;
  const target = normalizeHost(host);

  const instance = await rds.describeInstance(firstLabel(host));
  const instanceMatches = instance !== undefined && normalizeHost(instance.Endpoint?.Address ?? '') === target;
  if (instanceMatches && instance.ReadReplicaSourceDBInstanceIdentifier && !isClusterEndpoint(masterHost)) {
    const master = await rds.describeInstance(firstLabel(masterHost));
    const source = instance.ReadReplicaSourceDBInstanceIdentifier;
    if (master && normalizeHost(master.Endpoint?.Address ?? '') === normalizeHost(masterHost)) {
      // Cross-region replicas name their source by ARN, same-region ones by identifier.
      if (source === master.DBInstanceIdentifier || source === master.DBInstanceArn) return true;
    }
  }

  const cluster = await clusterOfMaster(masterHost, rds);
  if (cluster === undefined) return false;
  if (normalizeHost(cluster.ReaderEndpoint ?? '') === target) return true;
  return (
    instanceMatches &&
    instance.DBClusterIdentifier === cluster.DBClusterIdentifier &&
    (cluster.DBClusterMembers ?? []).some((member) => member.DBInstanceIdentifier === instance.DBInstanceIdentifier)
  );
}

export { isRdsHost, isReplicaOfMaster, SdkRdsLookups };
export type { RdsLookups };
