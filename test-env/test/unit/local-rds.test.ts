import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRds, startLocalRds } from '../../src/rds/local-rds.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

interface SdkError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number; readonly attempts?: number };
}

const HOST = 'abcdefghijkl.us-east-1.rds.amazonaws.com';

let rds: LocalRds;
let client: RDSClient;
let primaryArn: string;
let clusterArn: string;

beforeAll(async () => {
  rds = await startLocalRds();
  client = rds.client();
  primaryArn = rds.addInstance({ identifier: 'primary', engine: 'postgres', address: `primary.${HOST}`, port: 5432 });
  rds.addInstance({
    identifier: 'replica',
    engine: 'postgres',
    address: `replica.${HOST}`,
    port: 5432,
    replicaSource: 'primary',
  });
  rds.addInstance({
    identifier: 'far-replica',
    engine: 'postgres',
    address: 'far-replica.zyxwvutsrqpo.eu-west-1.rds.amazonaws.com',
    port: 5432,
    replicaSource: primaryArn,
    region: 'eu-west-1',
  });
  rds.addInstance({
    identifier: 'Aurora-1',
    engine: 'aurora-postgresql',
    address: `aurora-1.${HOST}`,
    port: 5432,
    clusterIdentifier: 'Aurora',
  });
  rds.addInstance({
    identifier: 'aurora-2',
    engine: 'aurora-postgresql',
    address: `aurora-2.${HOST}`,
    port: 5432,
    clusterIdentifier: 'aurora',
  });
  clusterArn = rds.addCluster({
    identifier: 'aurora',
    engine: 'aurora-postgresql',
    endpoint: `aurora.cluster-${HOST}`,
    readerEndpoint: `aurora.cluster-ro-${HOST}`,
    port: 5432,
    members: [
      { identifier: 'aurora-1', writer: true },
      { identifier: 'aurora-2', writer: false },
    ],
  });
});

afterAll(async () => {
  await rds.stop();
});

beforeEach(() => {
  rds.clearFaults();
  rds.resetCalls();
});

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

describe('DescribeDBInstances', () => {
  it('describes an instance by identifier', async () => {
    const output = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary' }));
    expect(output.DBInstances).toHaveLength(1);
    expect(output.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'primary',
      DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:primary',
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      Endpoint: { Address: `primary.${HOST}`, Port: 5432 },
      ReadReplicaDBInstanceIdentifiers: ['replica', 'far-replica'],
    });
    expect(output.DBInstances?.[0]?.DBClusterIdentifier).toBeUndefined();
    expect(output.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(primaryArn).toBe('arn:aws:rds:us-east-1:123456789012:db:primary');
  });

  it('describes an instance by ARN, including one in another region', async () => {
    const byArn = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primaryArn }));
    expect(byArn.DBInstances?.[0]?.DBInstanceIdentifier).toBe('primary');
    const far = await client.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'arn:aws:rds:eu-west-1:123456789012:db:far-replica' }),
    );
    expect(far.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'far-replica',
      ReadReplicaSourceDBInstanceIdentifier: primaryArn,
    });
  });

  it('reports replica sources and cluster membership, with identifiers in lower case', async () => {
    const replica = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'replica' }));
    expect(replica.DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBe('primary');
    const member = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'AURORA-1' }));
    expect(member.DBInstances?.[0]).toMatchObject({
      DBInstanceIdentifier: 'aurora-1',
      DBClusterIdentifier: 'aurora',
      Engine: 'aurora-postgresql',
      Endpoint: { Address: `aurora-1.${HOST}`, Port: 5432 },
    });
  });

  it('lists every instance without an identifier', async () => {
    const output = await client.send(new DescribeDBInstancesCommand({}));
    expect(output.DBInstances?.map((instance) => instance.DBInstanceIdentifier)).toEqual([
      'primary',
      'replica',
      'far-replica',
      'aurora-1',
      'aurora-2',
    ]);
  });

  it('answers an unknown instance with DBInstanceNotFoundFault (HTTP 404)', async () => {
    for (const identifier of ['missing', 'arn:aws:rds:us-east-1:123456789012:db:missing']) {
      const error = await rejection(client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })));
      expect(error.name).toBe('DBInstanceNotFoundFault');
      expect(error.message).toBe(`DBInstance ${identifier} not found.`);
      expect(error.$metadata.httpStatusCode).toBe(404);
      expect(error.$metadata.attempts).toBe(1);
    }
  });

  it('answers a malformed identifier with InvalidParameterValue', async () => {
    for (const identifier of ['1starts-with-digit', 'double--hyphen', 'ends-with-hyphen-', 'has_underscore', 'a'.repeat(64)]) {
      const error = await rejection(client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })));
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('refuses Filters rather than ignoring them', async () => {
    const error = await rejection(
      client.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['aurora'] }] })),
    );
    expect(error.name).toBe('InvalidParameterCombination');
  });
});

describe('DescribeDBClusters', () => {
  it('describes a cluster by identifier and by ARN', async () => {
    expect(clusterArn).toBe('arn:aws:rds:us-east-1:123456789012:cluster:aurora');
    for (const identifier of ['aurora', clusterArn]) {
      const output = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
      expect(output.DBClusters).toHaveLength(1);
      expect(output.DBClusters?.[0]).toMatchObject({
        DBClusterIdentifier: 'aurora',
        DBClusterArn: clusterArn,
        Engine: 'aurora-postgresql',
        Status: 'available',
        Endpoint: `aurora.cluster-${HOST}`,
        ReaderEndpoint: `aurora.cluster-ro-${HOST}`,
        Port: 5432,
        DBClusterMembers: [
          { DBInstanceIdentifier: 'aurora-1', IsClusterWriter: true },
          { DBInstanceIdentifier: 'aurora-2', IsClusterWriter: false },
        ],
      });
    }
  });

  it('answers an unknown cluster with DBClusterNotFoundFault (HTTP 404)', async () => {
    for (const identifier of ['primary', 'arn:aws:rds:us-east-1:123456789012:cluster:missing']) {
      const error = await rejection(client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })));
      expect(error.name).toBe('DBClusterNotFoundFault');
      expect(error.message).toBe(`DBCluster ${identifier} not found.`);
      expect(error.$metadata.httpStatusCode).toBe(404);
    }
  });
});

describe('the local RDS server', () => {
  it('escapes XML text so values round-trip through the SDK', async () => {
    const engine = `odd & <engine> "quoted" 'single' &lt; &amp;\r\n`;
    rds.addInstance({ identifier: 'escaped', engine, address: 'a&b.example', port: 1 });
    const output = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'escaped' }));
    expect(output.DBInstances?.[0]?.Engine).toBe(engine);
    expect(output.DBInstances?.[0]?.Endpoint?.Address).toBe('a&b.example');
  });

  it('refuses malformed or duplicate identifiers when adding', () => {
    expect(() => rds.addInstance({ identifier: 'PRIMARY', engine: 'postgres', address: 'x', port: 1 })).toThrow(/already in use/);
    expect(() => rds.addInstance({ identifier: 'bad_id', engine: 'postgres', address: 'x', port: 1 })).toThrow(/not a valid/);
    expect(() =>
      rds.addCluster({ identifier: 'aurora', engine: 'aurora-postgresql', endpoint: 'x', readerEndpoint: 'y', port: 1, members: [] }),
    ).toThrow(/already in use/);
  });

  it('counts calls per action', async () => {
    await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary' }));
    await rejection(client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'missing' })));
    await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora' }));
    expect(rds.callCount('DescribeDBInstances')).toBe(2);
    expect(rds.callCount('DescribeDBClusters')).toBe(1);
    expect(rds.callCount()).toBe(3);
  });

  it('injects Throttling, which the SDK retries', async () => {
    rds.injectFault({ operation: 'DescribeDBInstances', error: 'Throttling', times: 1 });
    const output = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary' }));
    expect(output.DBInstances?.[0]?.DBInstanceIdentifier).toBe('primary');
    expect(output.$metadata.attempts).toBe(2);
    expect(rds.callCount('DescribeDBInstances')).toBe(2);
  });

  it('injects InternalFailure (HTTP 500), surfaced after 3 attempts', async () => {
    rds.injectFault({ operation: 'DescribeDBClusters', error: 'InternalFailure', times: 5 });
    const error = await rejection(client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora' })));
    expect(error.name).toBe('InternalFailure');
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(error.$metadata.attempts).toBe(3);
    expect(rds.callCount('DescribeDBClusters')).toBe(3);
    rds.clearFaults();
    const output = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora' }));
    expect(output.DBClusters?.[0]?.DBClusterIdentifier).toBe('aurora');
  });

  it('answers an action it does not implement with InvalidAction', async () => {
    const error = await rejection(client.send(new DescribeDBSnapshotsCommand({})));
    expect(error.name).toBe('InvalidAction');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(rds.callCount('DescribeDBSnapshots')).toBe(1);
  });
});
