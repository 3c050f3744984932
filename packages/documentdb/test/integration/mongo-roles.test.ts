import { randomBytes } from 'node:crypto';
import {
  type DocumentDbServer,
  documentDbTarget,
  SELF_SERVICE_ROLE,
  serverAvailability,
  serverSpec,
  startDocumentDb,
} from '@rotation-lambdas/test-env';
import { ContractContext, expectRotationError, expectSucceeded, testPassword } from '@rotation-lambdas/test-env/contract';
import type { Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDbFixture } from './documentdb-fixture.js';

// Roles and customData need real MongoDB (FerretDB 1.x keeps neither): the mongo-7 row, in a container where
// Docker can pull mongo:7, or ROTATION_TEST_DOCUMENTDB_URL. Only this path may skip, and its names say why.
const availability = await serverAvailability(serverSpec('mongo-7'));
const mongo = availability.available;
const needs = availability.available ? '' : ` [skipped: needs MongoDB; ${availability.reason}]`;

const SALES = 'sales';

describe('alternating-users rotation keeps MongoDB roles in sync (documentdb)', () => {
  let server: DocumentDbServer;
  let context: ContractContext;
  beforeAll(async () => {
    if (!mongo) return;
    server = await startDocumentDb({ server: 'mongo-7' });
    const target = await documentDbTarget(server);
    context = new ContractContext({ ...documentDbFixture, startTarget: async () => target });
    await context.start();
    // A collection and a role in `sales` only the role's holders may read.
    await server.asUser(server.admin, async (db) => {
      await db.collection('reports').insertOne({ v: 1 });
      await db.collection('ledger').insertOne({ v: 1 });
      await db.command({ createRole: 'reporter', privileges: [{ resource: { db: SALES, collection: 'reports' }, actions: ['find'] }], roles: [] });
    }, { database: SALES });
  });
  afterAll(() => context?.stop());

  async function admin<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return server.asUser(server.admin, work, { database: SALES });
  }

  async function rolesOf(username: string): Promise<string[]> {
    const reply = await admin((db) => db.command({ usersInfo: { user: username, db: SALES } }));
    const [user] = reply.users as Document[];
    return ((user?.roles ?? []) as { role: string; db: string }[]).map(({ role, db }) => `${role}@${db}`).sort();
  }

  async function canRead(credentials: { username: string; password: string }, collection: string): Promise<boolean> {
    try {
      return await server.asUser(credentials, async (db) => (await db.collection(collection).findOne({ v: 1 })) !== null, { authSource: SALES });
    } catch (error) {
      if ((error as { code?: unknown }).code === 13) return false;
      throw error;
    }
  }

  async function salesUser(roles: Document[]): Promise<{ username: string; password: string }> {
    const user = { username: `r.$ünï_${randomBytes(3).toString('hex')}`, password: testPassword() };
    context.leaks.addSecret(user.password);
    await admin((db) => db.command({ createUser: user.username, pwd: user.password, roles }));
    return user;
  }

  it.skipIf(!mongo)(`creates the clone with the original's roles and no customData, then grants and revokes with the original${needs}`, async () => {
    // Prepare: the original may read `ledger` (read@sales) and change its own password.
    const user = await salesUser([{ role: 'read', db: SALES }, { role: SELF_SERVICE_ROLE, db: 'admin' }]);
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES, masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');
    const clone = `${user.username}_clone`;

    // Act + Assess, rotation 1: same roles; customData untouched (a user with changeOwnCustomData writes its own).
    expectSucceeded(await driver.rotate(arn));
    const first = await context.current(arn);
    expect(await rolesOf(clone)).toEqual(await rolesOf(user.username));
    const [made] = (await admin((db) => db.command({ usersInfo: { user: clone, db: SALES } }))).users as Document[];
    expect(made?.customData).toBeUndefined();
    expect(await canRead(first, 'ledger')).toBe(true);

    // The operator swaps read@sales for reporter@sales on the original.
    await admin((db) => db.command({ grantRolesToUser: user.username, roles: [{ role: 'reporter', db: SALES }] }));
    await admin((db) => db.command({ revokeRolesFromUser: user.username, roles: [{ role: 'read', db: SALES }] }));

    // Rotation 2 (the original's turn) re-syncs the clone: the grant arrives, the revocation too.
    expectSucceeded(await driver.rotate(arn));
    expect(await rolesOf(clone)).toEqual(['reporter@sales', `${SELF_SERVICE_ROLE}@admin`].sort());
    expect(await canRead(first, 'reports')).toBe(true);
    expect(await canRead(first, 'ledger')).toBe(false);

    // Rotation 3 (the clone's turn) keeps them equal.
    expectSucceeded(await driver.rotate(arn));
    expect(await rolesOf(clone)).toEqual(await rolesOf(user.username));
  });

  it.skipIf(!mongo)(`fails with ENGINE_OPERATION, changing nothing, when the user may not change its own password${needs}`, async () => {
    // AWS's template needs the same privilege (its issue #81): read-only users cannot rotate themselves.
    const user = await salesUser([{ role: 'read', db: SALES }]);
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES });

    const rotation = await (await context.driver('single-user')).rotate(arn);

    const error = expectRotationError(rotation, 'ENGINE_OPERATION');
    expect((error as unknown as { login: string }).login).toBe('current');
    expect(await canRead(user, 'ledger')).toBe(true);
  });

  it.skipIf(!mongo)(`refuses an account in the clone's place even when it wrote rotation's marker into its own customData${needs}`, async () => {
    // Prepare: someone else's account holds the clone's name and may edit its own customData
    // (changeOwnCustomData), which it uses to write what an older marker looked like.
    const user = await salesUser([{ role: SELF_SERVICE_ROLE, db: 'admin' }]);
    const squatter = { username: `${user.username}_clone`, password: testPassword() };
    context.leaks.addSecret(squatter.password);
    const ownData = `own-data-${randomBytes(3).toString('hex')}`;
    await admin((db) => db.command({ createRole: ownData, privileges: [{ resource: { db: SALES, collection: '' }, actions: ['changeOwnCustomData'] }], roles: [] }));
    await admin((db) => db.command({ createUser: squatter.username, pwd: squatter.password, roles: [{ role: ownData, db: SALES }] }));
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES, masterarn: await context.masterArn() });
    await server.asUser(
      squatter,
      (db) => db.command({ updateUser: squatter.username, customData: { createdBy: 'rotation-lambdas', alternateOf: user.username, secret: arn } }),
      { authSource: SALES },
    );
    const driver = await context.driver('alternating-users');

    // Act + Assess: refused, and the account keeps its password and roles.
    expectRotationError(await driver.rotate(arn), 'ALTERNATE_USER_CONFLICT', 'username');
    expect(await server.asUser(squatter, async () => true, { authSource: SALES })).toBe(true);
    expect(await rolesOf(squatter.username)).toEqual([`${ownData}@${SALES}`]);
  });

  it.skipIf(!mongo)(`does not let a second secret for the same user take over the first secret's clone${needs}`, async () => {
    const user = await salesUser([{ role: SELF_SERVICE_ROLE, db: 'admin' }]);
    const secretOfUser = async () =>
      context.createSecret({ ...context.target.secretFor(user), dbname: SALES, masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');
    const first = await secretOfUser();
    expectSucceeded(await driver.rotate(first));

    expectRotationError(await driver.rotate(await secretOfUser()), 'ALTERNATE_USER_CONFLICT', 'username');
    expect(await server.asUser(await context.current(first), async () => true, { authSource: SALES })).toBe(true);
  });

  it.skipIf(!mongo)(`writes no password or secret string to any log line or error${needs}`, () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
