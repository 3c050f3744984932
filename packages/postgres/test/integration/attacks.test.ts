import { type PostgresServer, postgresTarget, startPostgres } from '@rotation-lambdas/test-env';
import { ContractContext, expectSucceeded, uniqueName } from '@rotation-lambdas/test-env/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFixture } from './postgres-fixture.js';

const { escapeIdentifier, escapeLiteral } = pg;

// Attacks only PostgreSQL has: an application user that owns its database controls that database's
// settings, which apply to every session opened there, the master's included. The engine-agnostic attacks
// run in attacker.test.ts.
describe('an application user that owns its database cannot steer the master (postgres)', () => {
  let server: PostgresServer;
  let admin: pg.Client;
  let context: ContractContext;
  beforeAll(async () => {
    server = await startPostgres();
    admin = await server.adminClient();
    const target = await postgresTarget(server);
    context = new ContractContext({ ...postgresFixture, startTarget: async () => target });
    await context.start();
  });
  afterAll(() => context.stop());

  /** A user owning a database of its own, connected to it as itself for `work`. */
  async function ownerOf(database: string, work: (client: pg.Client, username: string) => Promise<void>) {
    const user = await context.createUser();
    await admin.query(`CREATE DATABASE ${escapeIdentifier(database)} OWNER ${escapeIdentifier(user.username)}`);
    const client = new pg.Client({ host: server.host, port: server.port, user: user.username, password: user.password, database });
    await client.connect();
    try {
      await work(client, user.username);
    } finally {
      await client.end();
    }
    return user;
  }

  it("resolves the master's queries in pg_catalog, whatever search_path the user's database sets", async () => {
    // Prepare: the user's database puts the user's schema first, with a look-alike of a catalog function
    // the master's queries call; run by the master, it would give the user CREATEROLE.
    const database = uniqueName('owned');
    const user = await ownerOf(database, async (client, username) => {
      const escalate = escapeLiteral(`ALTER ROLE ${escapeIdentifier(username)} CREATEROLE`);
      await client.query('CREATE SCHEMA trap');
      await client.query('GRANT USAGE ON SCHEMA trap TO PUBLIC');
      await client.query(`CREATE FUNCTION trap.shobj_description(oid, name) RETURNS text LANGUAGE plpgsql AS $$
        BEGIN EXECUTE ${escalate}; RETURN NULL; END $$`);
      await client.query(`ALTER DATABASE ${escapeIdentifier(database)} SET search_path = trap, pg_catalog`);
    });
    const arn = await context.createSecret({ ...context.secretJson(user), dbname: database, masterarn: await context.masterArn() });

    // Act: two rotations, so the master both creates the clone and sets the original's password.
    const driver = await context.driver('alternating-users');
    expectSucceeded(await driver.rotate(arn));
    expectSucceeded(await driver.rotate(arn));

    // Assess: the trap never ran as the master.
    const { rows } = await admin.query<{ rolname: string; rolcreaterole: boolean }>(
      'SELECT rolname, rolcreaterole FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname',
      [user.username, `${user.username}_clone`],
    );
    expect(rows).toEqual([
      { rolname: user.username, rolcreaterole: false },
      { rolname: `${user.username}_clone`, rolcreaterole: false },
    ]);
  });

  it("keeps rotating when the user's database makes every session in it read-only", async () => {
    // Prepare: a master session in that database could change no role.
    const database = uniqueName('owned');
    const user = await ownerOf(database, async (client) => {
      await client.query(`ALTER DATABASE ${escapeIdentifier(database)} SET default_transaction_read_only = on`);
    });
    const arn = await context.createSecret({ ...context.secretJson(user), dbname: database, masterarn: await context.masterArn() });

    expectSucceeded(await (await context.driver('alternating-users')).rotate(arn));

    expect(await context.target.canLogin(await context.current(arn))).toBe(true);
  });
});
