import { AwsServiceError } from '../aws/service-error.js';
import { type XmlFields, xmlList } from '../aws/xml.js';
import type { RdsCatalog, RdsCluster, RdsInstance } from './rds-catalog.js';

/** One RDS action: form parameters in, the children of `<ActionResult>` out. */
type RdsOperation = (params: URLSearchParams) => XmlFields;

function rejectFilters(params: URLSearchParams): void {
  for (const key of params.keys()) {
    // Silently ignoring a filter would answer with the wrong instances; say so instead.
    if (key.startsWith('Filters.')) {
      throw new AwsServiceError('InvalidParameterCombination', 'The local RDS does not support Filters.');
    }
  }
}

function optionalParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

function instanceXml(catalog: RdsCatalog, instance: RdsInstance): XmlFields {
  const replicas = catalog.replicasOf(instance);
  return {
    DBInstanceIdentifier: instance.identifier,
    Engine: instance.engine,
    DBInstanceStatus: 'available',
    Endpoint: { Address: instance.address, Port: instance.port },
    ReadReplicaSourceDBInstanceIdentifier: instance.replicaSource,
    ReadReplicaDBInstanceIdentifiers: xmlList('ReadReplicaDBInstanceIdentifier', replicas),
    DBClusterIdentifier: instance.clusterIdentifier,
    DBInstanceArn: instance.arn,
  };
}

function clusterXml(cluster: RdsCluster): XmlFields {
  return {
    DBClusterIdentifier: cluster.identifier,
    Status: 'available',
    Endpoint: cluster.endpoint,
    ReaderEndpoint: cluster.readerEndpoint,
    Engine: cluster.engine,
    Port: cluster.port,
    DBClusterMembers: xmlList(
      'DBClusterMember',
      cluster.members.map((member) => ({ DBInstanceIdentifier: member.identifier, IsClusterWriter: member.writer })),
    ),
    DBClusterArn: cluster.arn,
  };
}

/** The RDS actions the local RDS serves, by name, each backed by `catalog`. */
function rdsOperations(catalog: RdsCatalog): ReadonlyMap<string, RdsOperation> {
  return new Map<string, RdsOperation>([
    [
      'DescribeDBInstances',
      (params) => {
        rejectFilters(params);
        const instances = catalog.instances(optionalParam(params, 'DBInstanceIdentifier'));
        return { DBInstances: xmlList('DBInstance', instances.map((instance) => instanceXml(catalog, instance))) };
      },
    ],
    [
      'DescribeDBClusters',
      (params) => {
        rejectFilters(params);
        const clusters = catalog.clusters(optionalParam(params, 'DBClusterIdentifier'));
        return { DBClusters: xmlList('DBCluster', clusters.map(clusterXml)) };
      },
    ],
  ]);
}

export { rdsOperations };
export type { RdsOperation };
