import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../../src/postgres.js';
import { describeEachServer } from '../../src/matrix/describe-each-server.js';
import type { ServerSpec } from '../../src/server-versions.js';

async function login(options: pg.ClientConfig): Promise<string> {
  const client = new pg.Client(options);
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ user: string }>('SELECT session_user AS user');
    return rows[0]?.user ?? '';
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describePostgresServer(spec: ServerSpec): void {
  describe('test PostgreSQL server', () => {
    it('accepts the admin password and refuses a wrong one', async () => {
      await using server = await startPostgres({ server: spec.id });
      const base = { host: server.host, port: server.port, user: server.admin.username, database: 'postgres' };

      expect(await login({ ...base, password: server.admin.password })).toBe(server.admin.username);
      await expect(login({ ...base, password: `${server.admin.password}x` })).rejects.toMatchObject({ code: '28P01' });
    });

    it('serves TLS verified against the test CA when started with tls', async () => {
      await using server = await startPostgres({ tls: true, requireTls: true, server: spec.id });
      const ca = server.tls?.ca;
      const base = { host: 'localhost', port: server.port, user: server.admin.username, password: server.admin.password };

      expect(await login({ ...base, ssl: { ca, rejectUnauthorized: true } })).toBe('postgres');
      await expect(login({ ...base, ssl: { rejectUnauthorized: true } })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
      await expect(login({ ...base, ssl: false })).rejects.toMatchObject({ code: '28000' });
    });
  });
}

// Every PostgreSQL row: the native server and the container path.
await describeEachServer('postgres', describePostgresServer);
