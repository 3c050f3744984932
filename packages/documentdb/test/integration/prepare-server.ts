import { ensureFerretDb, selectedServers, serverUrl } from '@rotation-lambdas/test-env';

/** Vitest global setup: builds FerretDB once (minutes cold, then cached) when its row runs against a server of its own. */
async function setup(): Promise<void> {
  if (selectedServers('documentdb').some((spec) => spec.product === 'ferretdb' && serverUrl(spec) === undefined)) await ensureFerretDb();
}

export { setup };
