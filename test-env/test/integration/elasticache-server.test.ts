import {
  CreateUserCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
  ModifyUserCommand,
  ModifyUserGroupCommand,
} from '@aws-sdk/client-elasticache';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalElastiCache, startLocalElastiCache } from '../../src/elasticache/local-elasticache.js';
import { type RedisServer, startRedis } from '../../src/redis.js';
import { describeEachServer } from '../../src/matrix/describe-each-server.js';
import type { ServerSpec } from '../../src/server-versions.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One login with ioredis options of the test's choosing; rejects with the first error the client saw. */
async function rawLogin(server: RedisServer, options: RedisOptions): Promise<void> {
  const client = new Redis({
    host: 'localhost',
    port: server.port,
    protocol: 2,
    lazyConnect: true,
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    ...options,
  });
  let first: unknown;
  client.on('error', (error: unknown) => {
    first ??= error;
  });
  try {
    await client.connect();
    await client.call('AUTH', server.admin.username, server.admin.password);
  } catch (error) {
    throw first ?? error;
  } finally {
    client.disconnect();
  }
}

function describeRedisServer(spec: ServerSpec): void {
  describe('test Redis server', () => {
    it('accepts the admin password and refuses a wrong one and the default user', async () => {
      await using server = await startRedis({ server: spec.id });

      const admin = await server.login(server.admin);
      expect(await admin.call('ACL', 'WHOAMI')).toBe(server.admin.username);
      admin.disconnect();
      await expect(server.login({ ...server.admin, password: `${server.admin.password}x` })).rejects.toThrow(/^WRONGPASS/);
      await expect(server.login({ username: 'default', password: '' })).rejects.toThrow(/^(WRONGPASS|ERR)/);
    });

    it('refuses commands before AUTH, since the default user is off', async () => {
      await using server = await startRedis({ server: spec.id });
      const client = await server.adminClient();
      await client.call('ACL', 'SETUSER', 'probe', 'on', '>probe-password-1', '+ping');

      const user = await server.login({ username: 'probe', password: 'probe-password-1' });
      expect(await user.call('PING')).toBe('PONG');
      user.disconnect();
      await expect(server.login({ username: 'probe', password: 'probe-password-2' })).rejects.toThrow(/^WRONGPASS/);
    });

    it('serves TLS only, verified against the test CA, when started with tls', async () => {
      await using server = await startRedis({ tls: { hosts: ['localhost'] }, server: spec.id });

      const admin = await server.login(server.admin);
      expect(await admin.call('PING')).toBe('PONG');
      admin.disconnect();
      expect(server.tls?.hosts).toEqual(['localhost']);
      expect(server.connectionUri()).toMatch(/^rediss:\/\/rotation_admin:/);
      await expect(rawLogin(server, { tls: { rejectUnauthorized: true } })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
      await expect(rawLogin(server, {})).rejects.toThrow(/ECONNRESET|Connection is closed|ETIMEDOUT/);
    });
  });
}

// Every Redis-family row: native Redis 7.0, and Valkey 8 and 9 and Redis 8 in containers.
await describeEachServer('elasticache', describeRedisServer);

describe('local ElastiCache control plane', () => {
  let server: RedisServer;
  let elasticache: LocalElastiCache;
  let client: ElastiCacheClient;
  beforeAll(async () => {
    server = await startRedis();
    elasticache = await startLocalElastiCache({ settleMs: 100 });
    client = elasticache.client();
    elasticache.addUserGroup('app-group', server);
  });
  afterAll(async () => {
    await elasticache.stop();
    await server.stop();
  });

  async function logsIn(username: string, password: string): Promise<boolean> {
    try {
      (await server.login({ username, password })).disconnect();
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('WRONGPASS')) return false;
      throw error;
    }
  }

  it('describes a user through the real SDK and answers an unknown one with UserNotFoundFault (HTTP 404)', async () => {
    const arn = await elasticache.createUser({
      userId: 'Described-1',
      userName: 'described',
      accessString: 'on ~app:* +get',
      passwords: ['first-password-0001'],
      userGroupIds: ['app-group'],
    });

    const { Users } = await client.send(new DescribeUsersCommand({ UserId: 'described-1' }));

    expect(Users).toEqual([
      {
        UserId: 'described-1',
        UserName: 'described',
        Status: 'active',
        Engine: 'redis',
        MinimumEngineVersion: '6.0',
        AccessString: 'on ~app:* +get',
        UserGroupIds: ['app-group'],
        Authentication: { Type: 'password', PasswordCount: 1 },
        ARN: arn,
      },
    ]);
    expect(arn).toBe('arn:aws:elasticache:us-east-1:123456789012:user:described-1');
    expect(await logsIn('described', 'first-password-0001')).toBe(true);
    await expect(client.send(new DescribeUsersCommand({ UserId: 'missing' }))).rejects.toMatchObject({
      name: 'UserNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('applies ModifyUser passwords to Redis, reporting modifying until they are applied', async () => {
    await elasticache.createUser({
      userId: 'modified',
      userName: 'modified',
      accessString: 'on +ping',
      passwords: ['first-password-0001'],
      userGroupIds: ['app-group'],
    });

    const answer = await client.send(
      new ModifyUserCommand({ UserId: 'modified', Passwords: ['second-password-002', 'first-password-0001'] }),
    );

    expect(answer.Status).toBe('modifying');
    await expect(client.send(new ModifyUserCommand({ UserId: 'modified', AccessString: 'on +get' }))).rejects.toMatchObject({
      name: 'InvalidUserStateFault',
    });
    expect((await client.send(new DescribeUsersCommand({ UserId: 'modified' }))).Users?.[0]?.Status).toBe('modifying');
    await elasticache.settled();
    expect((await client.send(new DescribeUsersCommand({ UserId: 'modified' }))).Users?.[0]?.Status).toBe('active');
    expect(await logsIn('modified', 'second-password-002')).toBe(true);
    expect(await logsIn('modified', 'first-password-0001')).toBe(true);
    expect(elasticache.failures()).toEqual([]);
  });

  it('refuses passwords outside 16–128 printable characters and access strings holding passwords', async () => {
    await elasticache.createUser({ userId: 'strict', userName: 'strict', accessString: 'on +ping', passwords: ['first-password-0001'] });

    await expect(client.send(new ModifyUserCommand({ UserId: 'strict', Passwords: ['short'] }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(client.send(new ModifyUserCommand({ UserId: 'strict', AccessString: 'on >secret-password +@all' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    expect(elasticache.describeUser('strict').status).toBe('active');
  });

  it('creates a tagged user and puts it on the server once it joins a user group', async () => {
    const created = await client.send(
      new CreateUserCommand({
        UserId: 'created',
        UserName: 'created',
        Engine: 'redis',
        AccessString: 'on +ping',
        Passwords: ['created-password-01'],
        Tags: [{ Key: 'owner', Value: 'rotation' }],
      }),
    );
    expect(created.Status).toBe('creating');
    await elasticache.settled();
    expect(await logsIn('created', 'created-password-01')).toBe(false);

    await client.send(new ModifyUserGroupCommand({ UserGroupId: 'app-group', UserIdsToAdd: ['created'] }));
    await elasticache.settled();

    expect(await logsIn('created', 'created-password-01')).toBe(true);
    const { TagList } = await client.send(new ListTagsForResourceCommand({ ResourceName: created.ARN }));
    expect(TagList).toEqual([{ Key: 'owner', Value: 'rotation' }]);
    const { UserGroups } = await client.send(new DescribeUserGroupsCommand({ UserGroupId: 'app-group' }));
    expect(UserGroups?.[0]?.UserIds).toContain('created');

    await client.send(new ModifyUserGroupCommand({ UserGroupId: 'app-group', UserIdsToRemove: ['created'] }));
    await elasticache.settled();
    expect(await logsIn('created', 'created-password-01')).toBe(false);
  });
});
