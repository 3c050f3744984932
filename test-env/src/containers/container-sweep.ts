import { containerRuntime } from '../container-runtime.js';
import { testEnvLog } from '../debug-log.js';
import { podman, podmanConfigured, podmanSocket } from './podman-engine.js';
import { PROJECT_LABEL, RUN_LABEL } from './server-container.js';

const log = testEnvLog('containers');

/** Through the project's podman CLI: works whether or not its service still answers. */
async function sweepWithPodman(label: string): Promise<number> {
  const ids = (await podman(['ps', '--all', '--quiet', '--filter', `label=${label}`])).split('\n').filter(Boolean);
  if (ids.length > 0) await podman(['rm', '--force', '--volumes', ...ids]);
  return ids.length;
}

/** Through the Docker API of another runtime (Docker, or a podman of the user's). */
async function sweepWithApi(label: string): Promise<number> {
  const runtime = await containerRuntime();
  if (!runtime.available) return 0;
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const containers = await client.container.dockerode.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(
    containers.map((container) => client.container.getById(container.Id).remove({ force: true, v: true }).catch(() => undefined)),
  );
  return containers.length;
}

/**
 * Removes (forcibly, with their volumes) the containers test-env started: those of one test run, or with
 * `run` undefined every container carrying the project's label. A test that fails before its server's
 * `stop()` would otherwise leave its container running, since Ryuk is off on the project's podman.
 * Returns how many were removed; free when no runtime exists.
 */
async function sweepContainers(run?: string): Promise<number> {
  const label = run === undefined ? `${PROJECT_LABEL}=true` : `${RUN_LABEL}=${run}`;
  const external = process.env.DOCKER_HOST !== undefined && process.env.DOCKER_HOST !== `unix://${podmanSocket()}`;
  const swept = !external && podmanConfigured() ? await sweepWithPodman(label) : await sweepWithApi(label);
  if (swept > 0) log('swept %d containers (%s)', swept, label);
  return swept;
}

export { sweepContainers };
