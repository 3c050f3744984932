import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';
import type { EngineTarget } from './contract/engine-fixture.js';
import type { TargetOptions } from './fixtures/target-options.js';
import { SERVER_VERSIONS } from './server-versions.js';
import { startMysqlTarget } from './fixtures/mysql-target.js';
import { startDocumentDbTarget } from './fixtures/documentdb-target.js';
import { startPostgresTarget } from './fixtures/postgres-target.js';
import { startElastiCacheTarget } from './fixtures/elasticache-target.js';

/** Starts an engine's contract target. */
type TargetStarter = (options?: TargetOptions) => Promise<EngineTarget>;

/**
 * Every engine test-env can serve, by the engine name its handlers report (and its zips are named after).
 * The demo and the benchmark iterate over this; engine packages' tests use their own fixture.
 */
const ENGINE_TARGETS: Readonly<Record<string, TargetStarter>> = {
  postgres: startPostgresTarget,
  mysql: startMysqlTarget,
  documentdb: startDocumentDbTarget,
  elasticache: startElastiCacheTarget,
};

function postgresInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((major) => existsSync(join(root, major, 'bin', 'postgres')));
}

/**
 * Whether each engine's native server is already on this machine (nothing is installed to find out): the
 * demo runs these by default, so a fresh machine needs only PostgreSQL.
 */
const ENGINE_INSTALLED: Readonly<Record<string, () => boolean>> = {
  postgres: postgresInstalled,
  mysql: () => existsSync('/usr/sbin/mariadbd'),
  documentdb: () => existsSync(join(cacheDir('ferretdb', SERVER_VERSIONS.ferretdb.version), 'ferretdb')),
  elasticache: () => existsSync('/usr/bin/redis-server'),
};

/** Engines whose servers are installed, PostgreSQL always first (the demo installs it when missing). */
function installedEngines(): string[] {
  return Object.keys(ENGINE_TARGETS).filter((engine) => engine === 'postgres' || ENGINE_INSTALLED[engine]?.());
}

/** The engines selected by the ENGINES variable (comma-separated), or all of them. */
function selectedEngines(env: NodeJS.ProcessEnv = process.env): string[] {
  const wanted = env.ENGINES?.split(',').map((name) => name.trim()).filter(Boolean);
  return Object.keys(ENGINE_TARGETS).filter((engine) => wanted === undefined || wanted.length === 0 || wanted.includes(engine));
}

export { ENGINE_TARGETS, installedEngines, selectedEngines };
export type { TargetStarter };
