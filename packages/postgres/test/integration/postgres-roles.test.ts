import { type PostgresServer, postgresTarget, startPostgres } from '@rotation-lambdas/test-env';
import { ContractContext, expectSucceeded } from '@rotation-lambdas/test-env/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramSha256Verifier } from '../../src/scram-verifier.js';
import { postgresFixture } from './postgres-fixture.js';

const { escapeIdentifier, escapeLiteral } = pg;

interface RoleSnapshot {
  readonly attributes: Record<string, unknown>;
  readonly settings: Record<string, string[]>;
}

async function snapshot(admin: pg.Client, role: string): Promise<RoleSnapshot> {
  const { rows } = await admin.query(
    'SELECT rolcreatedb, rolcreaterole, rolconnlimit, rolvaliduntil FROM pg_roles WHERE rolname = $1',
    [role],
  );
  const settings = await admin.query<{ datname: string | null; setconfig: string[] }>(
    `SELECT d.datname, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
       LEFT JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = $1`,
    [role],
  );
  return {
    attributes: rows[0] as Record<string, unknown>,
    settings: Object.fromEntries(settings.rows.map((row) => [row.datname ?? '*', [...row.setconfig].sort()])),
  };
}

describe('alternating-users rotation keeps PostgreSQL role details in sync (postgres)', () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startPostgres({ logStatements: true });
    admin = await server.adminClient();
    const target = await postgresTarget(server);
    context = new ContractContext({ ...postgresFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  it('copies role attributes and per-role settings to the clone, and re-syncs them on every rotation', async () => {
    // Prepare: an original with attributes and settings that membership does not carry.
    const { user, arn } = await context.userWithSecret('alternating-users');
    const role = escapeIdentifier(user.username);
    await admin.query(`ALTER ROLE ${role} CREATEDB CONNECTION LIMIT 7 VALID UNTIL '2099-01-01 00:00:00+00'`);
    await admin.query(`ALTER ROLE ${role} SET search_path = app, "My Schema", public`);
    await admin.query(`ALTER ROLE ${role} SET statement_timeout = '5s'`);
    await admin.query(`ALTER ROLE ${role} IN DATABASE postgres SET work_mem = '8MB'`);
    const driver = await context.driver('alternating-users');
    const clone = `${user.username}_clone`;

    // Act: the first rotation creates the clone.
    expectSucceeded(await driver.rotate(arn));

    // Assess
    expect(await snapshot(admin, clone)).toEqual(await snapshot(admin, user.username));
    expect((await snapshot(admin, clone)).settings['*']).toContain('search_path=app, "My Schema", public');

    // Act: the original changes, and the next rotation (the original's turn) re-syncs the clone.
    await admin.query(`ALTER ROLE ${role} NOCREATEDB CONNECTION LIMIT 3 VALID UNTIL 'infinity'`);
    await admin.query(`ALTER ROLE ${role} RESET statement_timeout`);
    await admin.query(`ALTER ROLE ${role} SET lock_timeout = '1s'`);
    expectSucceeded(await driver.rotate(arn));

    expect(await snapshot(admin, clone)).toEqual(await snapshot(admin, user.username));
    expect((await snapshot(admin, clone)).attributes).toMatchObject({ rolcreatedb: false, rolconnlimit: 3 });
  });

  it('marks the clone it creates with a role comment naming the secret and the original', async () => {
    const { user, arn } = await context.userWithSecret('alternating-users');

    expectSucceeded(await (await context.driver('alternating-users')).rotate(arn));

    const { rows } = await admin.query<{ comment: string }>(
      "SELECT shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = $1",
      [`${user.username}_clone`],
    );
    expect(rows[0]?.comment).toBe(`rotation-lambdas:${JSON.stringify({ secret: arn, alternateOf: user.username })}`);
  });

  it('stores SCRAM verifiers and never sends a password in statement text', async () => {
    const single = await context.userWithSecret('single-user');
    const alternating = await context.userWithSecret('alternating-users');

    expectSucceeded(await (await context.driver('single-user')).rotate(single.arn));
    expectSucceeded(await (await context.driver('alternating-users')).rotate(alternating.arn));

    const log = await server.serverLog();
    const passwords = [(await context.current(single.arn)).password, (await context.current(alternating.arn)).password];
    expect(log).toMatch(/ALTER ROLE SESSION_USER WITH PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(log).toMatch(/CREATE ROLE .* WITH LOGIN INHERIT PASSWORD 'SCRAM-SHA-256\$4096:/);
    for (const password of passwords) expect(log).not.toContain(password);
  });

  it.each(['Plain-ASCII-password-1', 'ﬁancé Ⅻ pass', 'パスワード\u00a0x', "q'uo\"te\\"])(
    'computes the verifier the server computes for %j',
    async (password) => {
      const role = escapeIdentifier('scram_probe');
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`CREATE ROLE ${role} PASSWORD ${escapeLiteral(password)}`);
      const { rows } = await admin.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'");
      const stored = rows[0]?.rolpassword ?? '';
      const salt = Buffer.from(stored.split('$')[1]?.split(':')[1] ?? '', 'base64');

      expect(scramSha256Verifier(password, salt)).toBe(stored);
    },
  );
});
