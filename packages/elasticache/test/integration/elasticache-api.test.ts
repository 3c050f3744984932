import {
  type ElastiCacheApiTarget,
  elastiCacheApiTarget,
  type LocalElastiCache,
  type RedisServer,
  startLocalElastiCache,
  startRedis,
  userIdForName as targetUserId,
} from '@rotation-lambdas/test-env';
import { randomBytes } from 'node:crypto';
import { ModifyUserGroupCommand } from '@aws-sdk/client-elasticache';
import { ContractContext, expectRotationError, expectSucceeded, testPassword } from '@rotation-lambdas/test-env/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdForName } from '../../src/user-id.js';
import { elastiCacheApiFixture } from './elasticache-api-fixture.js';

/** A Redis server behind its own local ElastiCache, whose changes stay `modifying` for `settleMs`. */
async function apiContext(
  settleMs: number,
  env: Record<string, string>,
): Promise<{ context: ContractContext; elasticache: LocalElastiCache; target: ElastiCacheApiTarget; server: RedisServer }> {
  const server = await startRedis();
  const elasticache = await startLocalElastiCache({ settleMs });
  const target = await elastiCacheApiTarget(server, elasticache, async () => {
    await elasticache.stop();
    await server.stop();
  });
  const context = new ContractContext({
    ...elastiCacheApiFixture,
    startTarget: async () => target,
    handlerEnv: { ELASTICACHE_ENDPOINT: elasticache.endpoint, WAITING_RETRY_INTERVAL_IN_SECONDS: '1', ...env },
  });
  await context.start();
  return { context, elasticache, target, server };
}

/** Adds or removes a user in a group through the API, as an operator would, and waits for it to apply. */
async function changeGroup(elasticache: LocalElastiCache, userGroupId: string, change: { add?: string; remove?: string }): Promise<void> {
  await elasticache.client().send(
    new ModifyUserGroupCommand({
      UserGroupId: userGroupId,
      ...(change.add === undefined ? {} : { UserIdsToAdd: [change.add] }),
      ...(change.remove === undefined ? {} : { UserIdsToRemove: [change.remove] }),
    }),
  );
  await elasticache.settled();
}

describe('single-user rotation through the ElastiCache API (elasticache)', () => {
  let context: ContractContext;
  let elasticache: LocalElastiCache;
  let target: ElastiCacheApiTarget;
  beforeAll(async () => {
    ({ context, elasticache, target } = await apiContext(200, { MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '10' }));
  });
  afterAll(() => context.stop());

  it('sets both passwords with one ModifyUser and waits until the user is active again', async () => {
    // Prepare: the user's ACL has no acl|setuser, so only the API path can change its password.
    const { user, arn } = await context.userWithSecret('single-user');
    const userId = targetUserId(user.username);
    expect(elasticache.describeUser(userId).accessString).not.toContain('acl');
    elasticache.resetCalls();
    const busyBefore = elasticache.busyAnswers();

    // Act
    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    // Assess
    expect(elasticache.callCount('ModifyUser')).toBe(1);
    expect(elasticache.busyAnswers()).toBeGreaterThan(busyBefore);
    expect(elasticache.describeUser(userId)).toMatchObject({ status: 'active', passwordCount: 2 });
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
    expect(await context.target.canLogin(user)).toBe(true);
    expect(elasticache.failures()).toEqual([]);
  });

  it('refuses a secret whose user_arn names another user, changing no password', async () => {
    const user = await context.createUser();
    const other = await context.createUser('o');
    const arn = await context.createSecret({ ...context.target.secretFor(user), user_arn: target.userArn(other.username) });
    elasticache.resetCalls();

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'RESOURCE_MISMATCH', 'user_arn');
    expect(elasticache.callCount('ModifyUser')).toBe(0);
    expect(await context.target.canLogin(user)).toBe(true);
    expect(await context.target.canLogin(other)).toBe(true);
  });

  it("refuses a user_arn naming a same-named user of another cache's user group, changing no password", async () => {
    // Prepare: another cache with its own user group holds a user of the same name (every group has a `default`).
    await using other = await startRedis();
    const groupId = `other-${randomBytes(4).toString('hex')}`;
    elasticache.addUserGroup(groupId, other);
    elasticache.addCache({ kind: 'replication-group', id: groupId, endpoint: { host: '127.0.0.1', port: other.port }, userGroupIds: [groupId] });
    const user = await context.createUser();
    const victim = { username: user.username, password: testPassword() };
    context.leaks.addSecret(victim.password);
    const victimId = `victim-${randomBytes(4).toString('hex')}`;
    await elasticache.createUser({ userId: victimId, userName: victim.username, engine: 'valkey', accessString: 'on +ping', passwords: [victim.password], userGroupIds: [groupId] });
    elasticache.resetCalls();

    for (const strategy of ['single-user', 'alternating-users'] as const) {
      const masterarn = strategy === 'alternating-users' ? { masterarn: await context.masterArn() } : {};
      const arn = await context.createSecret({ ...context.target.secretFor(user), user_arn: elasticache.userArn(victimId), ...masterarn });

      // Act
      const rotation = await (await context.driver(strategy)).rotate(arn);

      // Assess
      expectRotationError(rotation, 'RESOURCE_MISMATCH', 'user_arn');
    }
    expect(elasticache.callCount('ModifyUser') + elasticache.callCount('CreateUser')).toBe(0);
    expect(elasticache.describeUser(victimId).passwordCount).toBe(1);
    const login = await other.login(victim);
    login.disconnect();
  });

  it('refuses a host that is the endpoint of no cache of the account, changing no password', async () => {
    // Prepare: a server whose users the control plane manages, but that no cache of the account is reached at.
    await using other = await startRedis();
    const groupId = `nocache-${randomBytes(4).toString('hex')}`;
    elasticache.addUserGroup(groupId, other);
    const user = { username: `nc${randomBytes(4).toString('hex')}`, password: testPassword() };
    context.leaks.addSecret(user.password);
    await elasticache.createUser({ userId: targetUserId(user.username), userName: user.username, accessString: 'on +ping', passwords: [user.password], userGroupIds: [groupId] });
    const arn = await context.createSecret({ ...context.target.secretFor(user), host: '127.0.0.1', port: other.port });
    elasticache.resetCalls();

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'RESOURCE_MISMATCH', 'host');
    expect(elasticache.callCount('ModifyUser')).toBe(0);
    expect(elasticache.describeUser(targetUserId(user.username)).passwordCount).toBe(1);
  });

  it('secures a no-password user: ModifyUser runs although any password logs in, and a wrong one is refused after', async () => {
    // Prepare: a user ElastiCache lets in with any password.
    const username = `np${randomBytes(4).toString('hex')}`;
    await target.createOpenUser?.(username);
    const arn = await context.createSecret(context.target.secretFor({ username, password: testPassword() }));
    elasticache.resetCalls();

    // Act
    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    // Assess
    expect(elasticache.callCount('ModifyUser')).toBe(1);
    expect(elasticache.describeUser(targetUserId(username)).passwordCount).toBe(2);
    expect(await context.target.canLogin({ username, password: testPassword() })).toBe(false);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
  });

  it('refuses at setSecret a pending version whose user_arn differs', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    const other = await context.createUser('o');
    const driver = await context.driver('single-user');
    const token = await driver.start(arn);
    await context.putPending(arn, token, { ...(await context.current(arn)), user_arn: target.userArn(other.username), password: testPassword() });
    elasticache.resetCalls();

    expectRotationError(await driver.invoke('setSecret', arn, token), 'RESOURCE_MISMATCH', 'user_arn');
    expect(elasticache.callCount('ModifyUser')).toBe(0);
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it('refuses a user that authenticates with IAM, changing nothing', async () => {
    const user = { username: `iam${Date.now().toString(36)}`, password: testPassword() };
    context.leaks.addSecret(user.password);
    await elasticache.createUser({
      userId: targetUserId(user.username),
      userName: user.username,
      accessString: 'on +ping',
      passwords: [user.password],
      authentication: 'iam',
      userGroupIds: [target.userGroupId],
    });
    const arn = await context.createSecret(context.target.secretFor(user));

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'UNSUPPORTED', 'user_arn');
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it('retries a throttled ModifyUser inside the SDK and completes', async () => {
    const { arn } = await context.userWithSecret('single-user');
    elasticache.resetCalls();
    elasticache.injectFault({ operation: 'ModifyUser', error: 'Throttling' });

    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    expect(elasticache.callCount('ModifyUser')).toBe(2);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
  });

  it('fails with ENGINE_BUSY, changing nothing, when the API throttles ModifyUser beyond the SDK retries', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    elasticache.resetCalls();
    elasticache.injectFault({ operation: 'ModifyUser', error: 'Throttling', times: 3 });

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'ENGINE_BUSY');
    expect(elasticache.callCount('ModifyUser')).toBe(3);
    expect(elasticache.describeUser(targetUserId(user.username)).passwordCount).toBe(1);
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it('fails with ENGINE_OPERATION, changing nothing, when ModifyUser is refused', async () => {
    const { user, arn } = await context.userWithSecret('single-user');
    elasticache.injectFault({ operation: 'ModifyUser', error: 'InvalidUserState' });

    const rotation = await (await context.driver('single-user')).rotate(arn);

    expectRotationError(rotation, 'ENGINE_OPERATION');
    expect(elasticache.describeUser(targetUserId(user.username)).passwordCount).toBe(1);
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it('converges after a ModifyUser that was applied although its caller saw a failure', async () => {
    // Prepare: the first ModifyUser is applied but answered with a server fault; the SDK's retry then finds
    // the user modifying and is refused, so the step fails with the change half-observed.
    const { user, arn } = await context.userWithSecret('single-user');
    const driver = await context.driver('single-user');
    elasticache.resetCalls();
    elasticache.injectFault({ operation: 'ModifyUser', error: 'InternalFailure', afterApplying: true });

    // Act
    const first = await driver.rotate(arn);
    await elasticache.settled();
    const retried = await driver.resume(arn, { handler: await context.coldHandler('single-user') });

    // Assess: the retry sees the pending password already working and calls ModifyUser no more.
    expectRotationError(first, 'ENGINE_OPERATION');
    expectSucceeded(retried);
    expect(elasticache.callCount('ModifyUser')).toBe(2);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
    expect(await context.target.canLogin(user)).toBe(true);
  });

  it('fails with ENGINE_UNREACHABLE, changing nothing, when the ElastiCache API cannot be reached', async () => {
    const { user, arn } = await context.userWithSecret('single-user');

    const rotation = await (await context.driver('single-user', { ELASTICACHE_ENDPOINT: 'http://127.0.0.1:9' })).rotate(arn);

    expectRotationError(rotation, 'ENGINE_UNREACHABLE');
    expect(elasticache.describeUser(targetUserId(user.username)).passwordCount).toBe(1);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});

describe('waiting for active within the Lambda budget (elasticache)', () => {
  let context: ContractContext;
  let elasticache: LocalElastiCache;
  beforeAll(async () => {
    // Changes take 2.5 s to apply; the function may wait 1 s per step.
    ({ context, elasticache } = await apiContext(2_500, { MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '1' }));
  });
  afterAll(() => context.stop());

  it('fails setSecret when the user stays modifying past the budget, and the retry completes without a second ModifyUser', async () => {
    // Prepare
    const { user, arn } = await context.userWithSecret('single-user');
    const driver = await context.driver('single-user');
    elasticache.resetCalls();

    // Act: the first attempt runs out of budget while the user is still modifying.
    const started = Date.now();
    const first = await driver.rotate(arn);
    const elapsed = Date.now() - started;
    await elasticache.settled();
    const retried = await driver.resume(arn, { handler: await context.coldHandler('single-user') });

    // Assess
    expectRotationError(first, 'ENGINE_OPERATION', 'MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS');
    expect(elapsed).toBeLessThan(2_500);
    expectSucceeded(retried);
    expect(elasticache.callCount('ModifyUser')).toBe(1);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
    expect(await context.target.canLogin(user)).toBe(true);
  });
});

describe('alternating-users rotation through the ElastiCache API (elasticache)', () => {
  let context: ContractContext;
  let elasticache: LocalElastiCache;
  let target: ElastiCacheApiTarget;
  beforeAll(async () => {
    let server: RedisServer;
    ({ context, elasticache, target, server } = await apiContext(150, { MAX_WAITING_TIME_FOR_ACTIVE_IN_SECONDS: '10' }));
    elasticache.addUserGroup('reporting', server);
  });
  afterAll(() => context.stop());

  it('creates the clone tagged, with the original\'s engine, access string and groups, and keeps them in sync', async () => {
    // Prepare
    const { user, arn } = await context.userWithSecret('alternating-users');
    const originalId = targetUserId(user.username);
    const cloneId = userIdForName(`${user.username}_clone`);
    const driver = await context.driver('alternating-users');

    // Act: rotation 1 creates the clone.
    elasticache.resetCalls();
    expectSucceeded(await driver.rotate(arn));

    // Assess
    const original = elasticache.describeUser(originalId);
    expect(elasticache.describeUser(cloneId)).toMatchObject({
      userName: `${user.username}_clone`,
      accessString: original.accessString,
      userGroupIds: [target.userGroupId],
      passwordCount: 1,
      tags: { 'rotation-lambdas:created-by': 'alternating-users-rotation' },
    });
    expect(elasticache.callCount('CreateUser')).toBe(1);
    expect(elasticache.callCount('ModifyUserGroup')).toBe(1);

    // Act: the original's access string changes; rotation 2 (the original's turn) re-syncs the clone.
    await elasticache.modifyUser(originalId, { accessString: 'on -@all +ping +get +hget ~reports:*' });
    elasticache.resetCalls();
    expectSucceeded(await driver.rotate(arn));

    // Assess: one ModifyUser for the original's password, one for the clone's access string.
    expect(elasticache.describeUser(cloneId).accessString).toBe('on -@all +ping +get +hget ~reports:*');
    expect(elasticache.callCount('ModifyUser')).toBe(2);
    expect(elasticache.callCount('CreateUser')).toBe(0);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
    expect(elasticache.failures()).toEqual([]);
  });

  it('adds the clone to the groups the original joins and removes it from those the original leaves', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    const originalId = targetUserId(user.username);
    const cloneId = userIdForName(`${user.username}_clone`);
    const driver = await context.driver('alternating-users');
    await changeGroup(elasticache, 'reporting', { add: originalId });

    expectSucceeded(await driver.rotate(arn));
    expect(elasticache.describeUser(cloneId).userGroupIds.sort()).toEqual(['reporting', target.userGroupId].sort());

    await changeGroup(elasticache, 'reporting', { remove: originalId });
    expectSucceeded(await driver.rotate(arn));
    expect(elasticache.describeUser(cloneId).userGroupIds).toEqual([target.userGroupId]);
    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
  });

  it('refuses a user holding the clone\'s derived id under another name', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');
    await elasticache.createUser({
      userId: userIdForName(`${user.username}_clone`),
      userName: `someone_else_${Date.now().toString(36)}`,
      accessString: 'on +ping',
      passwords: [testPassword()],
    });

    const rotation = await (await context.driver('alternating-users')).rotate(arn);

    expectRotationError(rotation, 'ALTERNATE_USER_CONFLICT', 'username');
  });

  it('derives the same clone user ids as the test target, valid for CreateUser, for hostile and long names', () => {
    const names = [...elastiCacheApiFixture.hostileUsernames, 'x'.repeat(120), '_clone', '123', '--a--', 'Ω'];
    for (const name of names) {
      const id = userIdForName(name);
      expect(id).toBe(targetUserId(name));
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(id.length).toBeLessThanOrEqual(40);
    }
    expect(new Set(names.map(userIdForName)).size).toBe(names.length);
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
