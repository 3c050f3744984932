import { existsSync } from 'node:fs';
import { testEnvLog } from './debug-log.js';

const log = testEnvLog('containers');

let probe: Promise<boolean> | undefined;

/**
 * Whether a container runtime answers. Free when there is obviously none (no DOCKER_HOST, no socket):
 * testcontainers is imported only when one might exist, since importing it costs about half a second.
 * ROTATION_TEST_CONTAINERS=0 forces the native servers even where a runtime exists.
 */
function containerRuntimeAvailable(): Promise<boolean> {
  probe ??= (async () => {
    if (process.env.ROTATION_TEST_CONTAINERS === '0') return false;
    if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      log('container runtime answers');
      return true;
    } catch (error) {
      log('no container runtime: %s', error instanceof Error ? error.message : error);
      return false;
    }
  })();
  return probe;
}

export { containerRuntimeAvailable };
