import { redisTarget, type RedisServer, startRedis } from '@rotation-lambdas/test-env';
import { ContractContext, expectRotationError, expectSucceeded, testPassword } from '@rotation-lambdas/test-env/contract';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elastiCacheFixture } from './elasticache-fixture.js';

/**
 * A TCP server that speaks just enough RESP to pass for a Redis node: every command gets +OK. It records
 * what it receives, to prove which credentials reached it.
 */
async function recordingRespServer() {
  const chunks: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (data) => {
      const text = data.toString('utf8');
      chunks.push(text);
      socket.write('+OK\r\n'.repeat(text.match(/(?:^|\r\n)\*\d+\r\n/g)?.length ?? 0));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    received: () => chunks.join(''),
    authUsernames: () => [...chunks.join('').matchAll(/\$4\r\nAUTH\r\n\$\d+\r\n([^\r]*)\r\n/gi)].map((match) => match[1]),
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** ACL GETUSER as an object, without the passwords: what a clone must share with its original. */
async function privileges(admin: Redis, username: string): Promise<Record<string, unknown>> {
  const reply = (await admin.call('ACL', 'GETUSER', username)) as unknown[] | null;
  if (reply === null) throw new Error(`user ${username} does not exist`);
  const fields: Record<string, unknown> = {};
  for (let index = 0; index < reply.length; index += 2) fields[String(reply[index])] = reply[index + 1];
  delete fields.passwords;
  return fields;
}

async function passwordCount(admin: Redis, username: string): Promise<number> {
  const reply = (await admin.call('ACL', 'GETUSER', username)) as unknown[];
  return (reply[reply.indexOf('passwords') + 1] as unknown[]).length;
}

async function canRead(server: RedisServer, credentials: { username: string; password: string }, key: string): Promise<boolean> {
  const client = await server.login(credentials);
  try {
    return (await client.call('GET', key)) === '1';
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOPERM')) return false;
    throw error;
  } finally {
    client.disconnect();
  }
}

describe('single-user rotation keeps the previous password for one rotation (elasticache)', () => {
  let server: RedisServer;
  let admin: Redis;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startRedis();
    admin = await server.adminClient();
    const target = await redisTarget(server);
    context = new ContractContext({ ...elastiCacheFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  it('accepts the current and the pending password during the rotation and the previous one after it', async () => {
    // Prepare: a client that stays connected across the rotation, as an application's pool would.
    const { user, arn } = await context.userWithSecret('single-user');
    const pooled = await server.login(user);
    const driver = await context.driver('single-user');
    const token = await driver.start(arn);

    // Act: up to setSecret, the window in which clients still read the old AWSCURRENT.
    expectSucceeded(await driver.runSteps(arn, token, { until: 'setSecret' }));
    const pending = JSON.parse(context.sm.versions(arn).find((version) => version.versionId === token)?.secretString ?? '{}');

    // Assess
    expect(await context.target.canLogin(user)).toBe(true);
    expect(await context.target.canLogin(pending)).toBe(true);
    expect(await passwordCount(admin, user.username)).toBe(2);

    expectSucceeded(await driver.runSteps(arn, token));
    expect(await context.target.canLogin(user)).toBe(true);
    expect(await pooled.call('PING')).toBe('PONG');
    pooled.disconnect();

    expectSucceeded(await driver.rotate(arn));
    expect(await context.target.canLogin(user)).toBe(false);
    expect(await context.target.canLogin(pending)).toBe(true);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
    expect(await passwordCount(admin, user.username)).toBe(2);
  });

  it('leaves every rule but the passwords as it was', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    await admin.call('ACL', 'SETUSER', user.username, '%R~cache:*', '&events:*', '(~other:* +set)');
    const before = await privileges(admin, user.username);

    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    expect(await privileges(admin, user.username)).toEqual(before);
  });

  it('rotates a user whose ACL does not allow PING: a NOPERM answer still proves the login', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    await admin.call('ACL', 'SETUSER', user.username, '-ping');

    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
  });

  it('fails with ENGINE_OPERATION, changing nothing, when the user may not run ACL SETUSER', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    await admin.call('ACL', 'SETUSER', user.username, '-acl|setuser');

    const rotation = await (await context.driver('single-user')).rotate(arn);

    const error = expectRotationError(rotation, 'ENGINE_OPERATION');
    expect(error.message).toContain('NOPERM');
    expect(await context.target.canLogin(user)).toBe(true);
    expect(await passwordCount(admin, user.username)).toBe(1);
  });
});

describe('alternating-users rotation copies ACL rules exactly (elasticache)', () => {
  let server: RedisServer;
  let admin: Redis;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startRedis();
    admin = await server.adminClient();
    const target = await redisTarget(server);
    context = new ContractContext({ ...elastiCacheFixture, startTarget: async () => target });
    await context.start();
    for (const key of [`it's"q`, 'itsq', 'sel"q', 'selq', 'reports:1', 'new:1', 'ingest:1']) await admin.call('SET', key, '1');
  });
  afterAll(() => context.stop());

  it('gives the clone the original\'s commands, key patterns, channels, flags and selectors, and re-syncs them', async () => {
    // Prepare: rules of every kind, quotes inside patterns at the top level and inside a selector.
    const { user, arn } = await context.userWithSecret('alternating-users');
    await admin.call('ACL', 'SETUSER', user.username, '%R~reports:*', '%W~ingest:*', `~it's"q`, '&news:*', '+hget', '+config|get',
      'skip-sanitize-payload', '(~other:* +set)', '("~sel\\"q" +get)');
    const clone = `${user.username}_clone`;
    const driver = await context.driver('alternating-users');

    // Act: rotation 1 creates the clone.
    expectSucceeded(await driver.rotate(arn));

    // Assess: the same GETUSER answer, and the quoted patterns mean the same keys.
    expect(await privileges(admin, clone)).toEqual(await privileges(admin, user.username));
    const cloneLogin = await context.current(arn);
    expect(await canRead(server, cloneLogin, `it's"q`)).toBe(true);
    expect(await canRead(server, cloneLogin, 'itsq')).toBe(false);
    expect(await canRead(server, cloneLogin, 'sel"q')).toBe(true);
    expect(await canRead(server, cloneLogin, 'selq')).toBe(false);
    expect(await canRead(server, cloneLogin, 'reports:1')).toBe(true);

    // Act: the original loses a pattern and gains another; rotation 2 (the original's turn) re-syncs the clone.
    await admin.call('ACL', 'SETUSER', user.username, 'resetkeys', '%R~new:*', `~it's"q`, 'sanitize-payload', 'clearselectors', '(~third:* +del)');
    expectSucceeded(await driver.rotate(arn));

    // Assess
    expect(await privileges(admin, clone)).toEqual(await privileges(admin, user.username));
    expect(await canRead(server, cloneLogin, 'reports:1')).toBe(false);
    expect(await canRead(server, cloneLogin, 'new:1')).toBe(true);
  });

  it('relies on the server refusing whitespace in patterns, so a space-separated GETUSER answer splits exactly', async () => {
    const { user } = await context.userWithSecret('alternating-users');

    await expect(admin.call('ACL', 'SETUSER', user.username, '~a b')).rejects.toThrow(/Syntax error/);
    await expect(admin.call('ACL', 'SETUSER', user.username, '&a\tb')).rejects.toThrow(/Syntax error/);
    await expect(admin.call('ACL', 'SETUSER', user.username, '(~"a b" +get)')).rejects.toThrow(/Syntax error/);
  });
});

describe('rotation changes every node the secret lists (elasticache)', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let context: ContractContext;
  const admins: Redis[] = [];
  beforeAll(async () => {
    [primary, replica] = await Promise.all([startRedis(), startRedis()]);
    admins.push(await primary.adminClient(), await replica.adminClient());
    const target = await redisTarget(primary);
    context = new ContractContext({ ...elastiCacheFixture, startTarget: async () => target });
    await context.start();
    // Redis does not replicate ACL changes: the master and every user exist on each node separately.
    const { username, password } = context.target.master;
    await admins[1]?.call('ACL', 'SETUSER', username, 'on', `>${password}`, '+ping', '+acl|getuser', '+acl|setuser');
  });
  afterAll(async () => {
    await context.stop();
    await replica.stop();
  });

  async function userOnBothNodes(): Promise<{ username: string; password: string }> {
    const user = await context.createUser('n');
    await admins[1]?.call('ACL', 'SETUSER', user.username, 'on', `>${user.password}`, '+ping', '+get', '+acl|setuser');
    return user;
  }

  async function canLoginOn(server: RedisServer, credentials: { username: string; password: string }): Promise<boolean> {
    try {
      (await server.login(credentials)).disconnect();
      return true;
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('WRONGPASS')) return false;
      throw error;
    }
  }

  it('changes the password on the primary and on each node of `nodes` (single-user)', async () => {
    const user = await userOnBothNodes();
    const arn = await context.createSecret({ ...context.target.secretFor(user), nodes: [`127.0.0.1:${replica.port}`] });

    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    const current = await context.current(arn);
    expect(await canLoginOn(primary, current)).toBe(true);
    expect(await canLoginOn(replica, current)).toBe(true);
    expect(await canLoginOn(replica, user)).toBe(true);
  });

  /** A master secret that names both nodes, as the master of a multi-node secret must. */
  async function masterOfBothNodes(): Promise<string> {
    return context.createSecret({ ...context.target.secretFor(context.target.master), nodes: [`127.0.0.1:${replica.port}`] });
  }

  it('copies each node\'s own rules to the clone on that node (alternating-users)', async () => {
    // Prepare: the original's rules differ between the nodes, as they may when nothing replicates ACLs.
    const user = await userOnBothNodes();
    await admins[0]?.call('ACL', 'SETUSER', user.username, '%R~primary:*');
    await admins[1]?.call('ACL', 'SETUSER', user.username, '%R~replica:*');
    const arn = await context.createSecret({
      ...context.target.secretFor(user),
      nodes: [{ host: '127.0.0.1', port: replica.port }],
      masterarn: await masterOfBothNodes(),
    });

    // Act
    expectSucceeded(await (await context.driver('alternating-users')).rotate(arn));

    // Assess
    const clone = `${user.username}_clone`;
    for (const admin of admins) expect(await privileges(admin, clone)).toEqual(await privileges(admin, user.username));
    expect(await canLoginOn(replica, await context.current(arn))).toBe(true);
  });

  it('fails with ENGINE_AUTH, changing no node, when the user is missing on one node', async () => {
    const user = await context.createUser('m');
    const arn = await context.createSecret({ ...context.target.secretFor(user), nodes: [`127.0.0.1:${replica.port}`] });

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'ENGINE_AUTH');
    expect(await passwordCount(admins[0] as Redis, user.username)).toBe(1);
  });

  it("sends the master's AUTH to no node the master secret does not name (alternating-users)", async () => {
    // Prepare: the application secret lists a node of the attacker's, which answers +OK to everything; the
    // master secret names only the primary.
    await using trap = await recordingRespServer();
    const user = await context.createUser('t');
    const arn = await context.createSecret({
      ...context.target.secretFor(user),
      nodes: [`127.0.0.1:${trap.port}`],
      masterarn: await context.masterArn(),
    });

    // Act
    const rotation = await (await context.driver('alternating-users')).rotate(arn);

    // Assess: refused before any master login; the trap saw at most the user's own credentials.
    expectRotationError(rotation, 'MASTER_SECRET', 'nodes');
    expect(trap.authUsernames()).not.toContain(context.target.master.username);
    expect(trap.received()).not.toContain(context.target.master.password);
    expect(await context.target.userExists(`${user.username}_clone`)).toBe(false);
  });

  it('refuses at setSecret a pending version that lists other nodes', async () => {
    const user = await userOnBothNodes();
    const arn = await context.createSecret({ ...context.target.secretFor(user), nodes: [`127.0.0.1:${replica.port}`] });
    const driver = await context.driver('single-user');
    const token = await driver.start(arn);
    await context.putPending(arn, token, { ...(await context.current(arn)), nodes: [], password: testPassword() });

    expectRotationError(await driver.invoke('setSecret', arn, token), 'RESOURCE_MISMATCH', 'nodes');
    expect(await passwordCount(admins[1] as Redis, user.username)).toBe(1);
  });
});

describe('names and passwords never become ACL rules (elasticache)', () => {
  let server: RedisServer;
  let admin: Redis;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startRedis();
    admin = await server.adminClient();
    const target = await redisTarget(server);
    context = new ContractContext({ ...elastiCacheFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  it('leaves users named like ACL rules with exactly their own rules after both strategies', async () => {
    for (const name of elastiCacheFixture.hostileUsernames) {
      // Prepare
      const single = await context.createUser('s', `s${name}`);
      const alternating = await context.createUser('a', name);
      const singleBefore = await privileges(admin, single.username);
      const alternatingBefore = await privileges(admin, alternating.username);
      const singleArn = await context.createSecret(context.target.secretFor(single));
      const alternatingArn = await context.createSecret({ ...context.target.secretFor(alternating), masterarn: await context.masterArn() });

      // Act
      expectSucceeded(await (await context.driver('single-user')).rotate(singleArn));
      expectSucceeded(await (await context.driver('alternating-users')).rotate(alternatingArn));

      // Assess
      expect(await privileges(admin, single.username)).toEqual(singleBefore);
      expect(await privileges(admin, alternating.username)).toEqual(alternatingBefore);
      expect(await privileges(admin, `${name}_clone`)).toEqual(alternatingBefore);
    }
  });

  it('treats passwords that read like ACL rules as passwords', async () => {
    // Prepare: a current password made of rule words, spaces included (Redis takes any bytes after `>`).
    const user = { username: `pw${Date.now().toString(36)}`, password: 'nopass ~* &* +@all >x <y #z (~a +set) reset' };
    context.leaks.addSecret(user.password);
    await context.target.createUser(user);
    const before = await privileges(admin, user.username);
    const arn = await context.createSecret(context.target.secretFor(user));

    // Act
    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    // Assess
    expect(await privileges(admin, user.username)).toEqual(before);
    expect(await context.target.canLogin(user)).toBe(true);
    expect(await context.target.canLogin({ username: user.username, password: 'anything' })).toBe(false);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
