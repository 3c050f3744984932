import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { isRdsHost, isReplicaOfMaster, type RdsLookups } from '../../src/rds-topology.js';

const DOMAIN = 'abc123xyz.us-east-1.rds.amazonaws.com';

function lookups(instances: DBInstance[], clusters: DBCluster[] = []): RdsLookups & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async describeInstance(id) {
      calls.push(`instance:${id}`);
      return instances.find((instance) => instance.DBInstanceIdentifier === id);
    },
    async describeCluster(id) {
      calls.push(`cluster:${id}`);
      return clusters.find((cluster) => cluster.DBClusterIdentifier === id);
    },
  };
}

const instance = (id: string, extra: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: id,
  DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${id}`,
  Endpoint: { Address: `${id}.${DOMAIN}`, Port: 5432 },
  ...extra,
});

const cluster: DBCluster = {
  DBClusterIdentifier: 'app',
  Endpoint: `app.cluster-${DOMAIN}`,
  ReaderEndpoint: `app.cluster-ro-${DOMAIN}`,
  DBClusterMembers: [
    { DBInstanceIdentifier: 'app-1', IsClusterWriter: true },
    { DBInstanceIdentifier: 'app-2', IsClusterWriter: false },
  ],
};

describe('isReplicaOfMaster', () => {
  it('recognises RDS endpoints only', () => {
    expect(isRdsHost(`db.${DOMAIN}`)).toBe(true);
    expect(isRdsHost('db.example.com')).toBe(false);
    expect(isRdsHost('db.abc.cn-north-1.rds.amazonaws.com.cn')).toBe(true);
  });

  it('accepts a read replica of the master instance', async () => {
    const rds = lookups([instance('primary'), instance('replica', { ReadReplicaSourceDBInstanceIdentifier: 'primary' })]);
    expect(await isReplicaOfMaster(`replica.${DOMAIN}`, `primary.${DOMAIN}`, rds)).toBe(true);
  });

  it('accepts a cross-region replica that names the master by ARN', async () => {
    const primary = instance('primary');
    const rds = lookups([primary, instance('replica', { ReadReplicaSourceDBInstanceIdentifier: primary.DBInstanceArn })]);
    expect(await isReplicaOfMaster(`replica.${DOMAIN}`, `primary.${DOMAIN}`, rds)).toBe(true);
  });

  it('refuses a replica of another instance', async () => {
    const rds = lookups([instance('primary'), instance('replica', { ReadReplicaSourceDBInstanceIdentifier: 'other' })]);
    expect(await isReplicaOfMaster(`replica.${DOMAIN}`, `primary.${DOMAIN}`, rds)).toBe(false);
  });

  it('accepts the reader endpoint and every instance of an Aurora master given as the cluster endpoint', async () => {
    const rds = lookups([instance('app-1', { DBClusterIdentifier: 'app' }), instance('app-2', { DBClusterIdentifier: 'app' })], [cluster]);
    expect(await isReplicaOfMaster(`app.cluster-ro-${DOMAIN}`, `app.cluster-${DOMAIN}`, rds)).toBe(true);
    expect(await isReplicaOfMaster(`app-2.${DOMAIN}`, `app.cluster-${DOMAIN}`, rds)).toBe(true);
    // The writer instance endpoint is the same server as the cluster endpoint; AWS's templates refuse it.
    expect(await isReplicaOfMaster(`app-1.${DOMAIN}`, `app.cluster-${DOMAIN}`, rds)).toBe(true);
  });

  it('accepts a reader of an Aurora master given as an instance endpoint', async () => {
    const rds = lookups([instance('app-1', { DBClusterIdentifier: 'app' }), instance('app-2', { DBClusterIdentifier: 'app' })], [cluster]);
    expect(await isReplicaOfMaster(`app-2.${DOMAIN}`, `app-1.${DOMAIN}`, rds)).toBe(true);
  });

  it('refuses a host whose name looks like a member but whose endpoint RDS reports differently', async () => {
    const rds = lookups([instance('app-2', { DBClusterIdentifier: 'app', Endpoint: { Address: `app-2.other.us-east-1.rds.amazonaws.com` } })], [cluster]);
    expect(await isReplicaOfMaster(`app-2.${DOMAIN}`, `app.cluster-${DOMAIN}`, rds)).toBe(false);
  });

  it('never calls RDS for hosts that are not RDS endpoints', async () => {
    const rds = lookups([]);
    expect(await isReplicaOfMaster('db.example.com', `primary.${DOMAIN}`, rds)).toBe(false);
    expect(rds.calls).toEqual([]);
  });
});
