import { existsSync } from 'node:fs';
import { podmanServiceAnswers, podmanSocket } from './containers/podman-engine.js';
import { testEnvLog } from './debug-log.js';
import { isRoot } from './system-packages.js';

const log = testEnvLog('containers');

/** What container runtime the tests can use, if any. */
interface ContainerRuntime {
  readonly available: boolean;
  /** Why no runtime is used (for skip reasons), when none is. */
  readonly reason: string | undefined;
  /**
   * The project's own podman (`rotation-test-env prepare`): images are built here from Debian packages and
   * nothing is pulled. Otherwise (Docker, or a podman of the user's) the official images are pulled.
   */
  readonly buildsImages: boolean;
  /** The network mode containers get: slirp4netns on the project's podman keeps the host side on loopback. */
  readonly networkMode: string | undefined;
}

let probe: Promise<ContainerRuntime> | undefined;

function none(reason: string): ContainerRuntime {
  log('no container runtime: %s', reason);
  return { available: false, reason, buildsImages: false, networkMode: undefined };
}

async function detect(): Promise<ContainerRuntime> {
  if (process.env.ROTATION_TEST_CONTAINERS === '0') return none('ROTATION_TEST_CONTAINERS=0 turns containers off');
  const ours = `unix://${podmanSocket()}`;
  if (!process.env.DOCKER_HOST) {
    if (await podmanServiceAnswers()) process.env.DOCKER_HOST = ours;
    else if (!existsSync('/var/run/docker.sock')) {
      return none(
        "no container runtime answers: DOCKER_HOST is unset, /var/run/docker.sock does not exist, and the project's podman service is not running (`npx rotation-test-env prepare` starts it)",
      );
    }
  }
  const project = process.env.DOCKER_HOST === ours;
  if (project) {
    // No Ryuk image can be pulled here, and this VM's /.dockerenv makes testcontainers take the bridge gateway
    // for the host; containers are swept by label instead (containers/container-sweep.ts).
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  }
  try {
    // Imported only when a runtime may exist: importing testcontainers costs about half a second.
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    log('container runtime answers: %s %s', client.info.containerRuntime.operatingSystem, client.info.containerRuntime.serverVersion);
    return { available: true, reason: undefined, buildsImages: project, networkMode: project ? 'slirp4netns' : undefined };
  } catch (error) {
    return none(`no container runtime answers at ${process.env.DOCKER_HOST ?? '/var/run/docker.sock'}: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * The container runtime the tests use, probed once per process. Free when there is obviously none: testcontainers
 * is imported only when DOCKER_HOST is set, /var/run/docker.sock exists or the project's podman answers.
 * ROTATION_TEST_CONTAINERS=0 turns containers off.
 */
function containerRuntime(): Promise<ContainerRuntime> {
  probe ??= detect();
  return probe;
}

/** Whether a container runtime answers (see containerRuntime). */
async function containerRuntimeAvailable(): Promise<boolean> {
  return (await containerRuntime()).available;
}

/**
 * Whether a native row should run its server's container instead: only where the native server is absent
 * and cannot be installed (no root or no apt-get: a developer's Mac with Docker), and a runtime answers.
 */
async function nativeFallsBackToContainer(nativePresent: () => boolean): Promise<boolean> {
  if (nativePresent() || (isRoot() && existsSync('/usr/bin/apt-get'))) return false;
  return containerRuntimeAvailable();
}

export { containerRuntime, containerRuntimeAvailable, nativeFallsBackToContainer };
export type { ContainerRuntime };
