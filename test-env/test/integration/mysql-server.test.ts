import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { startMysql } from '../../src/mysql.js';
import { describeEachServer } from '../../src/matrix/describe-each-server.js';
import type { ServerSpec } from '../../src/server-versions.js';

const ER_SECURE_TRANSPORT_REQUIRED = 3159;

async function login(options: mysql.ConnectionOptions): Promise<string> {
  const connection = await mysql.createConnection(options);
  connection.on('error', () => undefined);
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS account');
    return String(rows[0]?.account);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

function describeMysqlServer(spec: ServerSpec): void {
  describe('test MySQL-family server', () => {
    it('accepts the admin password and refuses a wrong or missing one for every account', async () => {
      await using server = await startMysql({ server: spec.id });
      const base = { host: server.host, port: server.port, user: server.admin.username };

      expect(await login({ ...base, password: server.admin.password })).toMatch(/^root@/);
      await expect(login({ ...base, password: `${server.admin.password}x` })).rejects.toMatchObject({ errno: 1045 });
      await expect(login(base)).rejects.toMatchObject({ errno: 1045 });
      // No account the installer made may log in without a password.
      const admin = await server.adminConnection();
      const [open] = await admin.query<mysql.RowDataPacket[]>(
        "SELECT User AS user FROM mysql.user WHERE authentication_string = '' AND plugin IN ('', 'mysql_native_password') AND User <> 'mariadb.sys'",
      );
      expect(open).toEqual([]);
    });

    it('serves TLS verified against the test CA and refuses plaintext when started with requireTls', async () => {
      await using server = await startMysql({ tls: true, requireTls: true, server: spec.id });
      const ca = server.tls?.ca;
      const base = { host: 'localhost', port: server.port, user: server.admin.username, password: server.admin.password };

      expect(await login({ ...base, ssl: { ca, rejectUnauthorized: true, verifyIdentity: true } })).toMatch(/^root@/);
      await expect(login({ ...base, ssl: { rejectUnauthorized: true } })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
      // MariaDB 10.11 answers a plaintext login under require_secure_transport with "access denied", even for the
      // right password; MariaDB 11.8 and MySQL say that secure transport is required.
      await expect(login(base)).rejects.toMatchObject({ errno: spec.id === 'mariadb-10.11' ? 1045 : ER_SECURE_TRANSPORT_REQUIRED });
    });
  });
}

// Every MySQL-family row: native MariaDB 10.11 and the containers (MariaDB 11.8, MySQL 9.7; MySQL 8.4 with Docker).
await describeEachServer('mysql', describeMysqlServer);
