import { MongoClient, type MongoClientOptions } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFerretDb } from '../../src/documentdb-ferretdb.js';
import { startDocumentDb } from '../../src/documentdb.js';
import { describeEachServer } from '../../src/matrix/describe-each-server.js';
import type { ServerSpec } from '../../src/server-versions.js';

/** Logs in and returns the users the server says the connection is authenticated as. */
async function login(uri: string, options: MongoClientOptions): Promise<unknown> {
  const client = new MongoClient(uri, { directConnection: true, serverSelectionTimeoutMS: 3_000, connectTimeoutMS: 3_000, ...options });
  try {
    await client.connect();
    return (await client.db('admin').command({ connectionStatus: 1 })).authInfo.authenticatedUsers;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describeDocumentDbServer(spec: ServerSpec): void {
  describe('test DocumentDB server', () => {
    // A cold build of FerretDB takes minutes; it happens once and is cached between runs.
    beforeAll(() => (spec.product === 'ferretdb' ? ensureFerretDb().then(() => undefined) : undefined), 900_000);

    it('accepts the admin password and refuses a wrong one', async () => {
      await using server = await startDocumentDb({ server: spec.id });
      const uri = `mongodb://${server.host}:${server.port}/`;
      const auth = (password: string) => ({ auth: { username: server.admin.username, password }, authSource: 'admin' });

      expect(await login(uri, auth(server.admin.password))).toEqual([{ user: server.admin.username, db: 'admin' }]);
      await expect(login(uri, auth(`${server.admin.password}x`))).rejects.toMatchObject({ code: 18 });
    });

    it('refuses commands from a connection that has not logged in', async () => {
      await using server = await startDocumentDb({ server: spec.id });
      const client = new MongoClient(`mongodb://${server.host}:${server.port}/`, { directConnection: true, serverSelectionTimeoutMS: 3_000 });
      try {
        await expect(client.db('admin').command({ usersInfo: 1 })).rejects.toMatchObject({ code: 13 });
      } finally {
        await client.close();
      }
    });

    it('serves TLS only, verified against the test CA, when started with tls', async () => {
      await using server = await startDocumentDb({ tls: { hosts: ['localhost'] }, server: spec.id });
      const uri = `mongodb://localhost:${server.port}/`;
      const auth = { auth: { username: server.admin.username, password: server.admin.password }, authSource: 'admin' };

      expect(await login(uri, { ...auth, tls: true, ca: [server.tls?.ca ?? ''] })).toEqual([{ user: 'root', db: 'admin' }]);
      await expect(login(uri, { ...auth, tls: true })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
      await expect(login(uri, { ...auth, tls: false })).rejects.toThrow();
    });
  });
}

// Every MongoDB-wire row: native FerretDB, and MongoDB 7 where Docker can pull it.
await describeEachServer('documentdb', describeDocumentDbServer);
