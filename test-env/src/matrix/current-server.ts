import type { ServerSpec } from '../server-versions.js';

let current: ServerSpec | undefined;

/**
 * The server-matrix row whose suite is running in this worker (describeEachServer sets it around each row's
 * suite; suites of one file run one after another), so result files of a non-default row get its name.
 */
function setCurrentServer(spec: ServerSpec | undefined): void {
  current = spec;
}

function currentServer(): ServerSpec | undefined {
  return current;
}

export { currentServer, setCurrentServer };
