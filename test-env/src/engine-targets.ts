import type { EngineTarget, TlsServerOptions } from './contract/engine-fixture.js';
import { startPostgresTarget } from './fixtures/postgres-target.js';

/** Starts an engine's contract target. */
type TargetStarter = (options?: { tls?: TlsServerOptions; requireTls?: boolean }) => Promise<EngineTarget>;

/**
 * Every engine test-env can serve, by the engine name its handlers report (and its zips are named after).
 * The demo and the benchmark iterate over this; engine packages' tests use their own fixture.
 */
const ENGINE_TARGETS: Readonly<Record<string, TargetStarter>> = {
  postgres: startPostgresTarget,
};

/** The engines selected by the ENGINES variable (comma-separated), or all of them. */
function selectedEngines(env: NodeJS.ProcessEnv = process.env): string[] {
  const wanted = env.ENGINES?.split(',').map((name) => name.trim()).filter(Boolean);
  return Object.keys(ENGINE_TARGETS).filter((engine) => wanted === undefined || wanted.length === 0 || wanted.includes(engine));
}

export { ENGINE_TARGETS, selectedEngines };
export type { TargetStarter };
