import { existsSync } from 'node:fs';
import { containerRuntime } from '../container-runtime.js';
import { SERVER_MATRIX, type ServerSpec } from '../server-versions.js';
import { isRoot } from '../system-packages.js';
import { ensurePodmanService, podman } from './podman-engine.js';
import { ensureBaseImage, ensureServerImage } from './server-images.js';

/** One image `prepareContainers` made sure of: how long that took (zero when cached) and its size. */
interface PreparedImage {
  readonly server: string;
  readonly image: string;
  readonly ms: number;
  readonly bytes: number;
}

/** What `prepareContainers` did: the runtime it found or started, and the images of the selected rows. */
interface ContainerPreparation {
  readonly runtime: string;
  readonly images: readonly PreparedImage[];
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

async function imageBytes(image: string): Promise<number> {
  return Number((await podman(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
}

/** Builds the images of `rows` that have a recipe: both suites' bases in parallel, then each suite's images in turn. */
async function buildImages(rows: readonly ServerSpec[]): Promise<PreparedImage[]> {
  const built = rows.filter((spec) => spec.recipe !== undefined);
  const suites = [...new Set(built.map((spec) => spec.recipe?.suite))].filter((suite) => suite !== undefined);
  const images: PreparedImage[] = [];
  await Promise.all(
    suites.map(async (suite) => {
      const base = await timed(() => ensureBaseImage(suite));
      images.push({ server: `debian-${suite}`, image: base.value, ms: base.ms, bytes: await imageBytes(base.value) });
      for (const spec of built.filter((row) => row.recipe?.suite === suite)) {
        const { value, ms } = await timed(() => ensureServerImage(spec));
        images.push({ server: spec.id, image: value, ms, bytes: await imageBytes(value) });
      }
    }),
  );
  const order = (name: string) => SERVER_MATRIX.findIndex((spec) => spec.id === name);
  return images.sort((a, b) => order(a.server) - order(b.server));
}

/**
 * Readies the container rows among `rows` for the tests. With DOCKER_HOST set (Docker, or a podman of the
 * user's) nothing is installed: that runtime pulls the official images. Otherwise, as root on Debian, the
 * project's podman is installed and started and the images are built from Debian packages (cached; minutes
 * once). Returns undefined, with the reason, where containers cannot be had.
 */
async function prepareContainers(rows: readonly ServerSpec[]): Promise<ContainerPreparation | { readonly skipped: string }> {
  if (process.env.ROTATION_TEST_CONTAINERS === '0') return { skipped: 'ROTATION_TEST_CONTAINERS=0' };
  const containerRows = rows.filter((spec) => spec.origin === 'container');
  if (containerRows.length === 0) return { skipped: 'no container row selected' };
  if (process.env.DOCKER_HOST || (existsSync('/var/run/docker.sock') && !isRoot())) {
    const runtime = await containerRuntime();
    if (!runtime.available) return { skipped: runtime.reason ?? 'no runtime' };
    return { runtime: `${process.env.DOCKER_HOST ?? '/var/run/docker.sock'} (official images, pulled on first use)`, images: [] };
  }
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) return { skipped: 'the project\'s podman needs root and apt-get (or set DOCKER_HOST)' };
  const socket = await ensurePodmanService();
  return { runtime: `podman ${(await podman(['--version'])).trim().split(' ').at(-1)} on ${socket}`, images: await buildImages(containerRows) };
}

export { prepareContainers };
export type { ContainerPreparation, PreparedImage };
