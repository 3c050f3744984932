import createDebug, { type Debugger } from 'debug';

/** A `debug` logger under `rotation:test-env:<area>`: silent unless DEBUG selects it (DEBUG=rotation:*). */
function testEnvLog(area: string): Debugger {
  return createDebug(`rotation:test-env:${area}`);
}

export { testEnvLog };
