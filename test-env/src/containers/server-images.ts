import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../cache-dir.js';
import { testEnvLog } from '../debug-log.js';
import { installOnce } from '../install-once.js';
import type { DebianSuite, ImageRecipe, ServerSpec } from '../server-versions.js';
import { podman, podmanEnv } from './podman-engine.js';

const log = testEnvLog('images');

/** The Debian archive the bases and every image install from (also what the host's apt uses). */
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
/** Every image this project builds lives under this name, so a sweep or a prune never touches anyone else's. */
const IMAGE_NAMESPACE = 'localhost/rotation-lambdas';
/** A build lock older than this belongs to a killed run. */
const STALE_LOCK_MS = 30 * 60_000;

/** `test-env/images`: the Containerfiles, their entrypoints and the rootfs trim script. */
function imagesDir(): string {
  return fileURLToPath(new URL('../../images/', import.meta.url));
}

/** sha256 over the files of `dir` (names and contents, sorted) and `extra`, 12 hex digits. */
function contentHash(dir: string, extra: readonly string[]): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) hash.update(`${name}\0`).update(readFileSync(join(dir, name))).update('\0');
  for (const item of extra) hash.update(`${item}\0`);
  return hash.digest('hex').slice(0, 12);
}

/** The base image of a suite: debootstrap minbase, trimmed (`images/base/trim-rootfs.sh`), imported. */
function baseImage(suite: DebianSuite): string {
  return `${IMAGE_NAMESPACE}/debian:${suite}-minbase-${contentHash(join(imagesDir(), 'base'), [suite, DEBIAN_MIRROR])}`;
}

/** The image a recipe builds: named after its content (recipe files, suite base, build arguments). */
function recipeImage(spec: ServerSpec & { recipe: ImageRecipe }): string {
  const { recipe } = spec;
  const args = Object.entries(recipe.buildArgs).map(([key, value]) => `${key}=${value}`);
  const hash = contentHash(join(imagesDir(), recipe.context), [baseImage(recipe.suite), ...args]);
  return `${IMAGE_NAMESPACE}/${spec.id}:${hash}`;
}

async function imageExists(image: string): Promise<boolean> {
  try {
    await podman(['image', 'exists', image]);
    return true;
  } catch {
    return false;
  }
}

/** Runs `command` with its output in `logFile` (build logs are long; failures point at the file). */
function runLogged(command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', '"$@" >>"$0" 2>&1', logFile, command, ...args], { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args[0] ?? ''} failed (exit ${code}); see ${logFile}`)),
    );
  });
}

/** Unmounts anything left mounted below `dir` (debootstrap mounts /proc and /sys in the target) before removing it. */
async function removeRootfs(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await runLogged('umount', ['-l', point], '/dev/null').catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

async function buildBaseImage(suite: DebianSuite, image: string): Promise<void> {
  const work = cacheDir('podman', 'build');
  const rootfs = join(work, `rootfs-${suite}`);
  const logFile = join(work, `debian-${suite}.log`);
  await removeRootfs(rootfs);
  log('debootstrap %s (minutes on a cold cache)', suite);
  const debs = cacheDir('podman', 'debs', suite);
  await runLogged('debootstrap', ['--variant=minbase', `--cache-dir=${debs}`, suite, rootfs, DEBIAN_MIRROR], logFile);
  try {
    await runLogged('sh', [join(imagesDir(), 'base', 'trim-rootfs.sh'), rootfs, suite], logFile);
    await runLogged('sh', ['-c', 'tar --numeric-owner -C "$1" -c . | podman import --change \'CMD ["/bin/bash"]\' - "$2"', 'import', rootfs, image],
      logFile, podmanEnv());
  } finally {
    await removeRootfs(rootfs);
  }
}

/** Removes this row's images of other recipe versions, and layers no image uses any more. */
async function pruneOlderImages(spec: ServerSpec, keep: string): Promise<void> {
  const listed = await podman(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${IMAGE_NAMESPACE}/${spec.id}`]);
  for (const image of listed.split('\n').filter((name) => name !== '' && name !== keep)) {
    await podman(['rmi', '--force', image]).catch(() => undefined);
  }
  await podman(['image', 'prune', '--force']).catch(() => undefined);
}

/** Builds `image` once, however many processes ask (a lock directory in the cache). */
async function buildOnce(image: string, build: () => Promise<void>): Promise<void> {
  const locks = cacheDir('podman', 'locks');
  await installOnce({
    lock: join(locks, image.replace(/[^\w.-]+/g, '_')),
    staleAfterMs: STALE_LOCK_MS,
    ready: () => imageExists(image),
    install: build,
  });
}

/** The base image of `suite`, built when missing. */
async function ensureBaseImage(suite: DebianSuite): Promise<string> {
  const image = baseImage(suite);
  await buildOnce(image, () => buildBaseImage(suite, image));
  return image;
}

/**
 * The image of a container row on the project's podman, built from its recipe (Debian packages only, no
 * registry) when missing: a base per suite, then the row's Containerfile. Named by content, so a changed
 * recipe builds a new image and the old one is pruned.
 */
async function ensureServerImage(spec: ServerSpec): Promise<string> {
  const { recipe } = spec;
  if (recipe === undefined) throw new Error(`${spec.label} has no Debian package to build an image from`);
  const image = recipeImage({ ...spec, recipe });
  if (await imageExists(image)) return image;
  const base = await ensureBaseImage(recipe.suite);
  await buildOnce(image, async () => {
    const logFile = join(cacheDir('podman', 'build'), `${spec.id}.log`);
    await mkdir(cacheDir('podman', 'build'), { recursive: true });
    log('building %s', image);
    const args = Object.entries(recipe.buildArgs).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]);
    await runLogged('podman', ['build', '--network', 'host', '--pull=never', '--build-arg', `BASE=${base}`, ...args, '-t', image,
      join(imagesDir(), recipe.context)], logFile, podmanEnv());
    await pruneOlderImages(spec, image);
  });
  return image;
}

/** Whether a row's image is already built (no build started). */
async function serverImageBuilt(spec: ServerSpec): Promise<boolean> {
  const { recipe } = spec;
  return recipe !== undefined && existsSync(imagesDir()) && imageExists(recipeImage({ ...spec, recipe }));
}

export { ensureBaseImage, ensureServerImage, IMAGE_NAMESPACE, serverImageBuilt };
