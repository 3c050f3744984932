import { partitionOf } from '../aws/arn-partition.js';
import { AwsServiceError } from '../aws/service-error.js';

/** A DB instance to describe. */
interface RdsInstanceSpec {
  readonly identifier: string;
  readonly engine: string;
  readonly address: string;
  readonly port: number;
  readonly clusterIdentifier?: string;
  /** The source's identifier, or its ARN for a cross-region replica, as RDS reports it. */
  readonly replicaSource?: string;
  /** Region in the instance ARN; default the catalog's region. */
  readonly region?: string;
}

/** One member of an Aurora or DocumentDB cluster. */
interface RdsClusterMemberSpec {
  readonly identifier: string;
  readonly writer: boolean;
}

/** A DB cluster to describe. */
interface RdsClusterSpec {
  readonly identifier: string;
  readonly engine: string;
  readonly endpoint: string;
  readonly readerEndpoint: string;
  readonly port: number;
  readonly members: readonly RdsClusterMemberSpec[];
}

/** A stored instance: RDS keeps identifiers in lower case. */
interface RdsInstance extends RdsInstanceSpec {
  readonly arn: string;
}

/** A stored cluster. */
interface RdsCluster extends RdsClusterSpec {
  readonly arn: string;
}

/** RDS identifiers: a letter first, then letters, digits and single hyphens, no trailing hyphen, at most 63. */
const IDENTIFIER = /^[a-z](?:-?[a-z0-9])*$/i;
const MAX_IDENTIFIER_LENGTH = 63;

function isIdentifier(value: string): boolean {
  return value.length <= MAX_IDENTIFIER_LENGTH && IDENTIFIER.test(value);
}

function rdsArn(region: string, accountId: string, kind: 'db' | 'cluster', identifier: string): string {
  return `arn:${partitionOf(region)}:rds:${region}:${accountId}:${kind}:${identifier}`;
}

/**
 * The instances and clusters the local RDS describes. Lookups take an identifier (case-insensitive, as RDS
 * treats them) or an ARN; a malformed identifier is an InvalidParameterValue, an unknown one the not-found
 * error the real service returns.
 */
class RdsCatalog {
  readonly #region: string;
  readonly #accountId: string;
  readonly #instances = new Map<string, RdsInstance>();
  readonly #clusters = new Map<string, RdsCluster>();

  constructor(region: string, accountId: string) {
    this.#region = region;
    this.#accountId = accountId;
  }

  /** Adds an instance and returns its ARN; throws on a malformed or duplicate identifier. */
  addInstance(spec: RdsInstanceSpec): string {
    const identifier = this.#newIdentifier(spec.identifier, this.#instances);
    const arn = rdsArn(spec.region ?? this.#region, this.#accountId, 'db', identifier);
    this.#instances.set(identifier, { ...spec, identifier, clusterIdentifier: spec.clusterIdentifier?.toLowerCase(), arn });
    return arn;
  }

  /** Adds a cluster and returns its ARN; throws on a malformed or duplicate identifier. */
  addCluster(spec: RdsClusterSpec): string {
    const identifier = this.#newIdentifier(spec.identifier, this.#clusters);
    const arn = rdsArn(this.#region, this.#accountId, 'cluster', identifier);
    const members = spec.members.map((member) => ({ ...member, identifier: member.identifier.toLowerCase() }));
    this.#clusters.set(identifier, { ...spec, identifier, members, arn });
    return arn;
  }

  /** Every instance, or the one `filter` names (DBInstanceNotFound, HTTP 404, when none). */
  instances(filter?: string): RdsInstance[] {
    if (filter === undefined) return [...this.#instances.values()];
    const found = this.#lookup(this.#instances, filter, 'DBInstanceIdentifier');
    if (found === undefined) throw new AwsServiceError('DBInstanceNotFound', `DBInstance ${filter} not found.`, 404);
    return [found];
  }

  /** Every cluster, or the one `filter` names (DBClusterNotFoundFault, HTTP 404, when none). */
  clusters(filter?: string): RdsCluster[] {
    if (filter === undefined) return [...this.#clusters.values()];
    const found = this.#lookup(this.#clusters, filter, 'DBClusterIdentifier');
    if (found === undefined) throw new AwsServiceError('DBClusterNotFoundFault', `DBCluster ${filter} not found.`, 404);
    return [found];
  }

  /** Identifiers of the instances that name `instance` as their replication source. */
  replicasOf(instance: RdsInstance): string[] {
    return [...this.#instances.values()]
      .filter((other) => other.replicaSource === instance.identifier || other.replicaSource === instance.arn)
      .map((other) => other.identifier);
  }

  #newIdentifier(identifier: string, existing: ReadonlyMap<string, unknown>): string {
    if (!isIdentifier(identifier)) throw new Error(`not a valid RDS identifier: ${identifier}`);
    const lower = identifier.toLowerCase();
    if (existing.has(lower)) throw new Error(`RDS identifier already in use: ${identifier}`);
    return lower;
  }

  #lookup<T extends { readonly arn: string }>(items: ReadonlyMap<string, T>, filter: string, parameter: string): T | undefined {
    if (filter.startsWith('arn:')) return [...items.values()].find((item) => item.arn === filter);
    if (!isIdentifier(filter)) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
      );
    }
    return items.get(filter.toLowerCase());
  }
}

export { RdsCatalog };
export type { RdsCluster, RdsClusterMemberSpec, RdsClusterSpec, RdsInstance, RdsInstanceSpec };
