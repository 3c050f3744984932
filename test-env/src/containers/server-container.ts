import { randomBytes } from 'node:crypto';
import type { StartedTestContainer, WaitStrategy } from 'testcontainers';
import { containerRuntime } from '../container-runtime.js';
import { testEnvLog } from '../debug-log.js';
import type { ServerSpec } from '../server-versions.js';
import { waitUntil } from '../wait-until.js';
import { ensureServerImage } from './server-images.js';

const log = testEnvLog('containers');

/** Every container test-env starts carries this label; `rotation-test-env stop` sweeps them all. */
const PROJECT_LABEL = 'rotation-lambdas.test-env';
/** The test run a container belongs to; a run's global teardown sweeps its own, also after failing tests. */
const RUN_LABEL = 'rotation-lambdas.run';

/** How long a container may take from create to a real login: MySQL initializes for seconds on a loaded machine. */
const STARTUP_TIMEOUT_MS = 150_000;

/** The run this process belongs to (set by the test run's global setup; one per process otherwise). */
function testRunId(): string {
  process.env.ROTATION_TEST_RUN_ID ??= `${process.pid}-${randomBytes(4).toString('hex')}`;
  return process.env.ROTATION_TEST_RUN_ID;
}

/** A file to put in the container before it starts. */
interface ContainerFile {
  readonly target: string;
  readonly mode: number;
  readonly source?: string;
  readonly content?: string;
}

/** What a server container needs beyond its image: the port, variables, arguments, files, and a readiness probe. */
interface ServerContainerOptions {
  readonly spec: ServerSpec;
  /** The port the server listens on inside the container. */
  readonly port: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly files?: readonly ContainerFile[];
  /** A real login from the host to the published port; the container is ready when it resolves. */
  readonly ready: (host: string, port: number) => Promise<void>;
}

/** A started server container: where its port is published on the host, and how to remove it. */
interface ServerContainer {
  readonly host: string;
  readonly port: number;
  readonly image: string;
  stop(): Promise<void>;
}

/** The image a container row runs: built here on the project's podman, the official one elsewhere. */
async function containerImage(spec: ServerSpec): Promise<string> {
  const runtime = await containerRuntime();
  if (!runtime.available) throw new Error(`${spec.label} needs a container runtime: ${runtime.reason}`);
  if (runtime.buildsImages) return ensureServerImage(spec);
  if (spec.image === undefined) throw new Error(`${spec.label} has no container image`);
  return spec.image;
}

/**
 * Readiness by a real probe from the host, retried until the startup timeout; a container that exits stops
 * the wait at once (its log tail says why). Health checks are not used: podman runs none without systemd.
 */
function probeWaitStrategy(options: ServerContainerOptions, host: string): WaitStrategy {
  let timeoutMs = STARTUP_TIMEOUT_MS;
  return {
    async waitUntilReady(container, boundPorts) {
      const port = boundPorts.getBinding(options.port);
      let exited: Error | undefined;
      await waitUntil(
        `${options.spec.label} container`,
        async () => {
          try {
            await options.ready(host, port);
          } catch (error) {
            const state = (await container.inspect()).State;
            if (!state.Running) {
              const logs = (await container.logs({ stdout: true, stderr: true, tail: 30 })).toString('utf8');
              exited = new Error(`${options.spec.label} container exited (code ${state.ExitCode}): ${logs.slice(-2000)}`);
            }
            throw error;
          }
        },
        { timeoutMs, intervalMs: 200, abortIf: () => exited },
      );
    },
    withStartupTimeout(startupTimeoutMs) {
      timeoutMs = startupTimeoutMs;
      return this;
    },
    isStartupTimeoutSet: () => true,
    getStartupTimeout: () => timeoutMs,
  };
}

/**
 * Starts a server container through testcontainers: its port published on 127.0.0.1 only (slirp4netns on the
 * project's podman, so no bridge address carries test traffic), the project's labels for the sweep, and a
 * real login as the readiness check. `stop()` removes it.
 */
async function startServerContainer(options: ServerContainerOptions): Promise<ServerContainer> {
  const runtime = await containerRuntime();
  const image = await containerImage(options.spec);
  const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;

  // testcontainers publishes on every interface; bind the published ports to loopback before the container is created.
  class LoopbackContainer extends GenericContainer {
    protected override async beforeContainerCreated(): Promise<void> {
      const bindings = this.hostConfig.PortBindings as Record<string, { HostIp?: string; HostPort?: string }[]> | undefined;
      for (const list of Object.values(bindings ?? {})) for (const binding of list) binding.HostIp = '127.0.0.1';
    }
  }

  let builder = new LoopbackContainer(image)
    .withExposedPorts(options.port)
    .withEnvironment({ ...options.environment })
    .withLabels({ [PROJECT_LABEL]: 'true', [RUN_LABEL]: testRunId(), 'rotation-lambdas.server': options.spec.id })
    .withWaitStrategy(probeWaitStrategy(options, host))
    .withStartupTimeout(STARTUP_TIMEOUT_MS);
  if (runtime.networkMode !== undefined) builder = builder.withNetworkMode(runtime.networkMode);
  if (options.command !== undefined) builder = builder.withCommand([...options.command]);
  if (options.entrypoint !== undefined) builder = builder.withEntrypoint([...options.entrypoint]);
  for (const file of options.files ?? []) {
    builder =
      file.source === undefined
        ? builder.withCopyContentToContainer([{ content: file.content ?? '', target: file.target, mode: file.mode }])
        : builder.withCopyFilesToContainer([{ source: file.source, target: file.target, mode: file.mode }]);
  }
  const started: StartedTestContainer = await builder.start();
  const port = started.getMappedPort(options.port);
  log('%s container %s on %s:%d', options.spec.label, image, host, port);
  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    image,
    stop: () => {
      stopped ??= started.stop({ timeout: 2_000 }).then(() => undefined);
      return stopped;
    },
  };
}

export { containerImage, PROJECT_LABEL, RUN_LABEL, startServerContainer, testRunId };
export type { ContainerFile, ServerContainer, ServerContainerOptions };
