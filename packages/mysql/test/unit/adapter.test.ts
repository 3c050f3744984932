import {
  EngineAuthError,
  EngineOperationError,
  EngineTlsError,
  parseSecretJson,
  UnsupportedFeatureError,
  UsernameTooLongError,
} from '@rotation-lambdas/core';
import type mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { type ConnectionFactory, createMysqlAdapter } from '../../src/adapter.js';
import { nativePasswordHash } from '../../src/password-statements.js';
import type { MysqlConnection } from '../../src/sql-session.js';

/** A fake server: which passwords log in, what VERSION() says, and every statement it was sent. */
interface FakeServer {
  version: string;
  sqlMode: string;
  currentUser: string;
  /** What SHOW CREATE USER CURRENT_USER() answers. */
  createUser: string;
  passwords: Set<string>;
  readonly statements: string[];
  readonly logins: mysql.ConnectionOptions[];
}

function fakeServer(overrides: Partial<FakeServer> = {}): FakeServer & { factory: ConnectionFactory } {
  const server: FakeServer = {
    version: '8.0.35',
    sqlMode: 'STRICT_TRANS_TABLES',
    currentUser: 'app@%',
    createUser: "CREATE USER `app`@`%` IDENTIFIED VIA ed25519 USING 'x'",
    passwords: new Set(['old-pw']),
    statements: [],
    logins: [],
    ...overrides,
  };
  const factory: ConnectionFactory = async (options) => {
    server.logins.push(options);
    if (!server.passwords.has(String(options.password))) {
      throw Object.assign(new Error("Access denied for user 'app'@'%'"), { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 });
    }
    const connection = {
      async query(query: { sql: string }) {
        if (query.sql.startsWith('SELECT VERSION()')) return [[{ version: server.version, comment: '', sqlMode: server.sqlMode }], []];
        if (query.sql.startsWith('SELECT CURRENT_USER()')) return [[{ account: server.currentUser }], []];
        if (query.sql.startsWith('SHOW CREATE USER')) return [[{ 'CREATE USER for app@%': server.createUser }], []];
        server.statements.push(query.sql);
        return [[], []];
      },
      end: async () => undefined,
      destroy: () => undefined,
      on: () => connection,
    };
    return connection as unknown as MysqlConnection;
  };
  return Object.assign(server, { factory });
}

function adapterFor(server: ReturnType<typeof fakeServer>, env: Record<string, string> = {}) {
  return createMysqlAdapter({ config: { connectTimeoutMs: 1000, statementTimeoutMs: 1000, env }, createConnection: server.factory });
}

function secret(adapter: ReturnType<typeof adapterFor>, fields: Record<string, unknown> = {}) {
  const json = JSON.stringify({ engine: 'mysql', host: 'db.example.com', username: 'app', password: 'old-pw', ...fields });
  return adapter.parseSecret(parseSecretJson(json, 'AWSCURRENT'), 'AWSCURRENT');
}

const change = { currentPassword: 'old-pw', newPassword: 'new-pw' };

describe('single-user sessions (mysql)', () => {
  it('retains the current password as secondary with DUAL_PASSWORD on MySQL 8', async () => {
    const server = fakeServer();
    const adapter = adapterFor(server, { DUAL_PASSWORD: 'true' });
    const session = await adapter.connect(secret(adapter), 'current');

    await session.changeOwnPassword(change);

    expect(server.statements).toEqual([
      'ALTER USER CURRENT_USER() DISCARD OLD PASSWORD',
      "ALTER USER CURRENT_USER() IDENTIFIED BY 'new-pw' REPLACE 'old-pw' RETAIN CURRENT PASSWORD",
    ]);
  });

  it('changes nothing on a retry after the dual-password change went through, so the old password stays retained', async () => {
    // Prepare: the first attempt made new-pw primary and kept old-pw; both log in.
    const server = fakeServer({ passwords: new Set(['old-pw', 'new-pw']) });
    const adapter = adapterFor(server, { DUAL_PASSWORD: 'true' });
    const session = await adapter.connect(secret(adapter), 'current');

    // Act: core calls changeOwnPassword again because AWSCURRENT still logs in.
    await session.changeOwnPassword(change);

    // Assess: retaining again would have made new-pw the secondary and dropped old-pw.
    expect(server.statements).toEqual([]);
    expect(server.logins.map((login) => login.password)).toEqual(['old-pw', 'new-pw']);
  });

  it.each(['10.11.6-MariaDB', '5.7.44', '8.0.13'])('refuses DUAL_PASSWORD on %s before changing anything', async (version) => {
    const server = fakeServer({ version });
    const adapter = adapterFor(server, { DUAL_PASSWORD: 'yes' });
    const session = await adapter.connect(secret(adapter, { engine: 'mariadb' }), 'current');

    const failure = session.changeOwnPassword(change);

    await expect(failure).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(failure).rejects.toMatchObject({ code: 'UNSUPPORTED', field: 'DUAL_PASSWORD' });
    expect(server.statements).toEqual([]);
  });

  it('drops NO_BACKSLASH_ESCAPES for the session before sending an escaped password', async () => {
    const server = fakeServer({ version: '10.11.6-MariaDB', sqlMode: 'STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES,ANSI_QUOTES' });
    const adapter = adapterFor(server);
    const session = await adapter.connect(secret(adapter), 'current');

    await session.changeOwnPassword({ currentPassword: 'old-pw', newPassword: "n'w" });

    expect(server.statements).toEqual(["SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ANSI_QUOTES'", "SET PASSWORD = PASSWORD('n\\'w')"]);
  });

  it('sends its own mysql_native_password hash, not the password, when MariaDB says that is its plugin', async () => {
    const server = fakeServer({ version: '10.11.6-MariaDB', createUser: "CREATE USER `app`@`%` IDENTIFIED BY PASSWORD '*0123456789ABCDEF0123456789ABCDEF01234567'" });
    const adapter = adapterFor(server);
    const session = await adapter.connect(secret(adapter), 'current');

    await session.changeOwnPassword({ currentPassword: 'old-pw', newPassword: "n'w" });

    expect(server.statements).toEqual([`SET PASSWORD = '${nativePasswordHash("n'w")}'`]);
  });

  it('fails the probe when the login matched another account, such as an anonymous one', async () => {
    const server = fakeServer({ currentUser: '@localhost' });
    const adapter = adapterFor(server);
    const session = await adapter.connect(secret(adapter), 'pending');

    await expect(session.verify()).rejects.toBeInstanceOf(EngineOperationError);
    await expect(session.verify()).rejects.toMatchObject({ field: 'username', login: 'pending' });
  });

  it('maps a refused password to EngineAuthError naming the login', async () => {
    const server = fakeServer();
    const adapter = adapterFor(server);

    await expect(adapter.connect(secret(adapter, { password: 'wrong' }), 'pending')).rejects.toBeInstanceOf(EngineAuthError);
  });
});

describe('connection options (mysql)', () => {
  it('verifies TLS chain and host name by default, and connects in plaintext only when ssl is false', async () => {
    const server = fakeServer();
    const adapter = adapterFor(server);

    await adapter.connect(secret(adapter), 'current');
    await adapter.connect(secret(adapter, { ssl: false, port: '3307', dbname: 'app' }), 'current');

    expect(server.logins[0]).toMatchObject({ host: 'db.example.com', port: 3306, ssl: { rejectUnauthorized: true, verifyIdentity: true } });
    expect(server.logins[0]?.stream).toBeUndefined();
    expect(server.logins[1]).toMatchObject({ port: 3307, database: 'app', ssl: undefined });
  });

  it('gives an IP-literal TLS host its own socket, so the certificate is checked against the address', async () => {
    const server = fakeServer();
    const adapter = adapterFor(server);

    await adapter.connect(secret(adapter, { host: '10.1.2.3' }), 'current');

    expect(typeof server.logins[0]?.stream).toBe('function');
  });

  it('accepts mysql, aurora-mysql and mariadb and sizes names per engine', () => {
    const adapter = adapterFor(fakeServer());

    expect(adapter.maxUsernameLength(secret(adapter, { engine: 'mariadb' }))).toBe(80);
    expect(adapter.maxUsernameLength(secret(adapter, { engine: 'aurora-mysql' }))).toBe(32);
    expect(adapter.defaults.excludeCharacters).toBe('/@"\'\\');
    expect(() => secret(adapter, { engine: 'postgres' })).toThrow(/engine/);
  });
});

describe('admin sessions (mysql)', () => {
  it('refuses a name over the server\'s own limit, 16 on MySQL 5.6', async () => {
    const server = fakeServer({ version: '5.6.51' });
    const adapter = adapterFor(server);
    const admin = await adapter.connectAdmin(secret(adapter), secret(adapter));

    const failure = admin.describeUser('seventeen_chars_x');

    await expect(failure).rejects.toBeInstanceOf(UsernameTooLongError);
    await expect(failure).rejects.toMatchObject({ field: 'username', limit: 16 });
  });
});

describe('error classification (mysql)', () => {
  it('maps TLS failures to EngineTlsError', async () => {
    const adapter = createMysqlAdapter({
      config: { connectTimeoutMs: 1000, statementTimeoutMs: 1000, env: {} },
      createConnection: async () => {
        throw Object.assign(new Error('Server does not support secure connection'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' });
      },
    });

    await expect(adapter.connect(secret(adapter), 'current')).rejects.toBeInstanceOf(EngineTlsError);
  });
});
