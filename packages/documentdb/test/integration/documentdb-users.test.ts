import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { type DocumentDbServer, documentDbTarget, SELF_SERVICE_ROLE, startDocumentDb } from '@rotation-lambdas/test-env';
import { ContractContext, expectSucceeded, testPassword } from '@rotation-lambdas/test-env/contract';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentDbFixture } from './documentdb-fixture.js';

const SALES = 'sales';

/** A TCP relay in front of the server that counts the connections handlers open and how many are still open. */
async function countingRelay(target: { host: string; port: number }): Promise<{ port: number; accepted: number; open: number; server: Server }> {
  const sockets = new Set<Socket>();
  const relay = { port: 0, accepted: 0, open: 0, server: createServer() };
  relay.server.on('connection', (client) => {
    relay.accepted += 1;
    relay.open += 1;
    sockets.add(client);
    const upstream = tcpConnect(target);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.once('close', () => {
      relay.open -= 1;
      sockets.delete(client);
    });
  });
  relay.server.on('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
  relay.port = (relay.server.address() as { port: number }).port;
  return relay;
}

describe('alternating-users and single-user rotation of users outside admin (documentdb)', () => {
  let server: DocumentDbServer;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startDocumentDb();
    const target = await documentDbTarget(server);
    context = new ContractContext({ ...documentDbFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  /** A user defined in `sales`, with a name holding a dot, a dollar and non-ASCII letters. */
  async function salesUser(prefix: string): Promise<{ username: string; password: string }> {
    const user = { username: `${prefix}.$vc_ünï_${randomBytes(3).toString('hex')}`, password: testPassword() };
    context.leaks.addSecret(user.password);
    const roles = server.kind === 'mongo' ? [{ role: SELF_SERVICE_ROLE, db: 'admin' }] : [];
    await server.asUser(server.admin, (db) => db.command({ createUser: user.username, pwd: user.password, roles }), { database: SALES });
    return user;
  }

  async function usersNamed(username: string): Promise<Document[]> {
    const reply = await server.asUser(server.admin, (db) => db.command({ usersInfo: { user: username, db: SALES } }), { database: SALES });
    const inAdmin = await server.asUser(server.admin, (db) => db.command({ usersInfo: { user: username, db: 'admin' } }));
    return [...(reply.users as Document[]), ...(inAdmin.users as Document[])];
  }

  async function logsIn(credentials: { username: string; password: string }): Promise<boolean> {
    try {
      return await server.asUser(credentials, async () => true, { authSource: SALES });
    } catch (error) {
      if ((error as { code?: unknown }).code === 18) return false;
      throw error;
    }
  }

  it('keeps the clone in the user database, not the master one, over three rotations', async () => {
    // Prepare: the user lives in `sales`; the master authenticates on `admin`.
    const user = await salesUser('app');
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES, masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');
    const clone = `${user.username}_clone`;

    // Act + Assess, rotation 1: the clone is made in `sales` only.
    expectSucceeded(await driver.rotate(arn));
    const first = await context.current(arn);
    expect({ username: first.username, dbname: first.dbname }).toEqual({ username: clone, dbname: SALES });
    expect((await usersNamed(clone)).map((entry) => entry.db)).toEqual([SALES]);
    expect(await logsIn(first)).toBe(true);
    expect(await logsIn(user)).toBe(true);

    // Rotations 2 and 3: each user in turn, both always in `sales`.
    expectSucceeded(await driver.rotate(arn));
    const second = await context.current(arn);
    expect(second.username).toBe(user.username);
    expect(await logsIn(second)).toBe(true);
    expect(await logsIn(user)).toBe(false);
    expectSucceeded(await driver.rotate(arn));
    const third = await context.current(arn);
    expect(await logsIn(third)).toBe(true);
    expect(await logsIn(first)).toBe(false);
    expect((await usersNamed(clone)).map((entry) => entry.db)).toEqual([SALES]);
    expect((await usersNamed(user.username)).map((entry) => entry.db)).toEqual([SALES]);
  });

  it('never marks the clone in customData (its own user could write it), and manages it either way', async () => {
    const user = await salesUser('mk');
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES, masterarn: await context.masterArn() });
    const driver = await context.driver('alternating-users');

    expectSucceeded(await driver.rotate(arn));
    const [clone] = await usersNamed(`${user.username}_clone`);

    // Ownership is proved by the secret's own versions and the server's SCRAM credentials, not by customData.
    expect(clone?.customData).toBeUndefined();
    expectSucceeded(await driver.rotate(arn));
    expectSucceeded(await driver.rotate(arn));
    expect(await logsIn(await context.current(arn))).toBe(true);
  });

  it('changes the password of a user defined outside admin on its own database (single-user)', async () => {
    const user = await salesUser('su');
    const arn = await context.createSecret({ ...context.target.secretFor(user), dbname: SALES });

    expectSucceeded(await (await context.driver('single-user')).rotate(arn));

    const current = await context.current(arn);
    expect(current.username).toBe(user.username);
    expect(await logsIn(current)).toBe(true);
    expect(await logsIn(user)).toBe(false);
  });

  it('opens two connections per login, a monitor and one pooled connection, and leaves none open', async () => {
    // Prepare: every secret, the master's included, points at a relay that counts connections.
    const relay = await countingRelay({ host: server.host, port: server.port });
    try {
      const viaRelay = { host: '127.0.0.1', port: relay.port };
      const single = await context.createUser('cs');
      const singleArn = await context.createSecret({ ...context.target.secretFor(single), ...viaRelay });
      const pair = await context.createUser('ca');
      const masterArn = await context.createSecret({ ...context.target.secretFor(context.target.master), ...viaRelay });
      const pairArn = await context.createSecret({ ...context.target.secretFor(pair), ...viaRelay, masterarn: masterArn });

      // Act + Assess: single user logs in twice (setSecret as current, testSecret as pending).
      expectSucceeded(await (await context.driver('single-user')).rotate(singleArn));
      await vi.waitFor(() => expect(relay.open).toBe(0));
      expect(relay.accepted).toBe(4);

      // Alternating users logs in three times (current, master, then pending in testSecret), each rotation.
      const driver = await context.driver('alternating-users');
      for (const rotation of [1, 2, 3]) {
        relay.accepted = 0;
        expectSucceeded(await driver.rotate(pairArn));
        await vi.waitFor(() => expect(relay.open).toBe(0));
        expect({ rotation, accepted: relay.accepted }).toEqual({ rotation, accepted: 6 });
      }
    } finally {
      await new Promise((resolve) => relay.server.close(resolve));
    }
  });

  it('writes no password or secret string to any log line or error', () => {
    context.collectStoredSecrets();
    expect(context.leaks.findLeaks()).toEqual([]);
  });
});
