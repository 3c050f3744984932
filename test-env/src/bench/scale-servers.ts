import type { EngineTarget } from '../contract/engine-fixture.js';
import { startDocumentDb } from '../documentdb.js';
import { documentDbTarget } from '../fixtures/documentdb-target.js';
import { redisTarget } from '../fixtures/elasticache-target.js';
import { mysqlTarget } from '../fixtures/mysql-target.js';
import { postgresTarget } from '../fixtures/postgres-target.js';
import { startMysql } from '../mysql.js';
import { startPostgres } from '../postgres.js';
import { startRedis } from '../redis.js';

/** The setting that caps connections on a server, as the server reports it. */
interface ConnectionLimit {
  readonly setting: string;
  readonly value: number;
}

/** A server for the scale test: the contract target, its connection cap, and its own count of connections. */
interface ScaleServer extends AsyncDisposable {
  readonly target: EngineTarget;
  /** Undefined for a server without one (FerretDB 1.x). */
  readonly limit: ConnectionLimit | undefined;
  /** Client connections the server has open now, the harness's own included. */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts an engine's server with at most `maxConnections` client connections, where the server can cap them. */
type ScaleServerStarter = (maxConnections: number) => Promise<ScaleServer>;

function scaleServer(target: EngineTarget, limit: ConnectionLimit | undefined, connections: () => Promise<number>): ScaleServer {
  const stop = () => target.stop();
  return { target, limit, connections, stop, [Symbol.asyncDispose]: stop };
}

/**
 * PostgreSQL: max_connections is fixed at start, and test-env starts it with the default, 100 (3 of them kept
 * for superusers), which is the case. A smaller cap is the database's CONNECTION LIMIT, which refuses
 * logins with the same SQLSTATE (53300).
 */
async function startPostgresScale(maxConnections: number): Promise<ScaleServer> {
  const server = await startPostgres();
  const target = await postgresTarget(server);
  const admin = await server.adminClient();
  const max = Number((await admin.query<{ max_connections: string }>('SHOW max_connections')).rows[0]?.max_connections);
  let limit: ConnectionLimit = { setting: 'max_connections', value: max };
  if (maxConnections < max) {
    await admin.query(`ALTER DATABASE postgres CONNECTION LIMIT ${Math.trunc(maxConnections)}`);
    limit = { setting: 'database CONNECTION LIMIT', value: maxConnections };
  }
  return scaleServer(target, limit, async () => {
    const { rows } = await admin.query<{ count: string }>("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
    return Number(rows[0]?.count);
  });
}

/** MariaDB: max_connections changes at run time (MariaDB's minimum is 10). */
async function startMysqlScale(maxConnections: number): Promise<ScaleServer> {
  const server = await startMysql();
  const target = await mysqlTarget(server);
  const admin = await server.adminConnection();
  await admin.query('SET GLOBAL max_connections = ?', [Math.trunc(maxConnections)]);
  const read = async (sql: string): Promise<number> => {
    const [rows] = (await admin.query(sql)) as unknown as [Record<string, unknown>[]];
    return Number(Object.values(rows[0] ?? {}).at(-1));
  };
  const limit = { setting: 'max_connections', value: await read('SELECT @@max_connections') };
  return scaleServer(target, limit, () => read("SHOW STATUS LIKE 'Threads_connected'"));
}

/** Redis: maxclients changes at run time; every client counts, the admin's too. */
async function startRedisScale(maxConnections: number): Promise<ScaleServer> {
  const server = await startRedis();
  const target = await redisTarget(server);
  const admin = await server.adminClient();
  await admin.call('CONFIG', 'SET', 'maxclients', String(Math.trunc(maxConnections)));
  const configured = (await admin.call('CONFIG', 'GET', 'maxclients')) as string[];
  const limit = { setting: 'maxclients', value: Number(configured[1]) };
  return scaleServer(target, limit, async () => {
    const info = String(await admin.call('INFO', 'clients'));
    return Number(/connected_clients:(\d+)/.exec(info)?.[1]);
  });
}

/** FerretDB 1.x has no connection cap; its serverStatus counts the connections it holds. */
async function startDocumentDbScale(): Promise<ScaleServer> {
  const server = await startDocumentDb();
  const target = await documentDbTarget(server);
  const admin = (await server.adminClient()).db('admin');
  return scaleServer(target, undefined, async () => {
    const status = await admin.command({ serverStatus: 1 });
    return Number((status.connections as { current?: unknown } | undefined)?.current ?? Number.NaN);
  });
}

/** Every engine the scale test covers, by the name its zips carry. */
const SCALE_SERVERS: Readonly<Record<string, ScaleServerStarter>> = {
  postgres: startPostgresScale,
  mysql: startMysqlScale,
  documentdb: startDocumentDbScale,
  elasticache: startRedisScale,
};

export { SCALE_SERVERS };
export type { ConnectionLimit, ScaleServer, ScaleServerStarter };
