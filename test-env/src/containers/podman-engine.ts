import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../cache-dir.js';
import { testEnvLog } from '../debug-log.js';
import { installOnce } from '../install-once.js';
import { ensureDebianPackages } from '../system-packages.js';
import { waitUntil } from '../wait-until.js';

const run = promisify(execFile);
const log = testEnvLog('podman');

/** bookworm's own container stack: podman 4.3 with runc (crun 1.8 refuses this hybrid cgroup host), slirp4netns, debootstrap. */
const ENGINE_PACKAGES = ['podman', 'runc', 'slirp4netns', 'containernetworking-plugins', 'debootstrap'] as const;
const ENGINE_BINARIES = ['/usr/bin/podman', '/usr/sbin/runc', '/usr/bin/slirp4netns', '/usr/sbin/debootstrap'] as const;

/** Public registries the configuration blocks, so nothing is ever pulled from outside (there is no route to them here anyway). */
const BLOCKED_REGISTRIES = ['docker.io', 'registry-1.docker.io', 'quay.io', 'ghcr.io', 'gcr.io', 'registry.k8s.io', 'mcr.microsoft.com',
  'public.ecr.aws', 'registry.access.redhat.com', 'registry.redhat.io', 'registry.fedoraproject.org', 'localhost'] as const;

/** Where the project's podman keeps its configuration and image store: `<cache>/podman`. */
function engineDir(): string {
  return cacheDir('podman');
}

/**
 * Per-boot state (runroot, podman's tmp_dir, the API socket) on a tmpfs, so a reboot clears it as podman
 * expects; named after the cache directory so two caches never share it.
 */
function runtimeDir(): string {
  const key = createHash('sha256').update(engineDir()).digest('hex').slice(0, 10);
  return `/dev/shm/rotation-lambdas-podman-${key}`;
}

/** The unix socket the project's `podman system service` serves the Docker API on. */
function podmanSocket(): string {
  return join(runtimeDir(), 'podman.sock');
}

/** The environment every podman command of the project runs with: project-local configuration only. */
function podmanEnv(): NodeJS.ProcessEnv {
  const dir = engineDir();
  return {
    ...process.env,
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
  };
}

/** This process's hard limit for `resource` ("Max open files"), from /proc/self/limits; undefined when unlimited. */
async function hardLimit(resource: 'Max open files' | 'Max processes'): Promise<number | undefined> {
  const line = (await readFile('/proc/self/limits', 'utf8')).split('\n').find((row) => row.startsWith(resource));
  const hard = Number(line?.slice(resource.length).trim().split(/\s+/)[1]);
  return Number.isFinite(hard) && hard > 0 ? hard : undefined;
}

/**
 * Container rlimits at or below this process's hard limits: root here lacks CAP_SYS_RESOURCE, so podman's
 * default (1048576 open files) fails to apply, and podman itself cannot grant more than 32768 processes.
 */
async function containerUlimits(): Promise<{ nofile: number; nproc: number }> {
  const nofile = Math.min((await hardLimit('Max open files')) ?? 20_000, 1_048_576);
  const nproc = Math.min((await hardLimit('Max processes')) ?? 32_768, 32_768);
  return { nofile, nproc };
}

async function writeConfiguration(): Promise<void> {
  const dir = engineDir();
  const state = runtimeDir();
  const { nofile, nproc } = await containerUlimits();
  await mkdir(join(dir, 'cni'), { recursive: true });
  await writeFile(
    join(dir, 'containers.conf'),
    [
      '# Written by test-env (containers/podman-engine.ts); only the project\'s podman reads it.',
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      '[engine]',
      '# crun 1.8 refuses this hybrid cgroup v1/v2 host; runc 1.1 works.',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${state}/events.log"`,
      `tmp_dir = "${state}/libpod"`,
      '# Exec sessions otherwise leave a conmon behind for 300 s each.',
      'exit_command_delay = 5',
      '[network]',
      `network_config_dir = "${dir}/cni"`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'registries.conf'),
    [
      '# No registry is reachable: never resolve short names, never contact a public registry.',
      'unqualified-search-registries = []',
      'short-name-mode = "disabled"',
      ...BLOCKED_REGISTRIES.flatMap((location) => ['[[registry]]', `location = "${location}"`, 'blocked = true']),
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'storage.conf'),
    ['[storage]', 'driver = "overlay"', `graphroot = "${dir}/storage"`, `runroot = "${state}/storage"`, ''].join('\n'),
  );
}

/** Runs the podman CLI with the project's configuration. */
async function podman(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await run('podman', args, { env: podmanEnv(), maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 0 });
  return stdout;
}

/** Whether the Docker API answers `/_ping` on `socket`. */
function pingSocket(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const call = request({ socketPath: socket, path: '/_ping', timeout: 2_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve(response.statusCode === 200 && body.trim() === 'OK'));
    });
    call.on('timeout', () => call.destroy());
    call.on('error', () => resolve(false));
    call.end();
  });
}

/** Whether the project's podman is installed and configured on this machine (its service may be stopped). */
function podmanConfigured(): boolean {
  return existsSync('/usr/bin/podman') && existsSync(join(engineDir(), 'containers.conf'));
}

/** Whether the project's podman service is running and answering. */
function podmanServiceAnswers(): Promise<boolean> {
  return pingSocket(podmanSocket());
}

let installed: Promise<void> | undefined;

/** Installs the container stack from bookworm (idempotent, as root) and writes the project's configuration. */
function ensurePodmanInstalled(): Promise<void> {
  installed ??= (async () => {
    await ensureDebianPackages(ENGINE_PACKAGES, () => ENGINE_BINARIES.every((binary) => existsSync(binary)));
    await writeConfiguration();
  })();
  installed.catch(() => {
    installed = undefined;
  });
  return installed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function servicePid(): Promise<number | undefined> {
  const text = await readFile(join(engineDir(), 'service.pid'), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : undefined;
}

async function launchService(): Promise<void> {
  const socket = podmanSocket();
  await mkdir(runtimeDir(), { recursive: true });
  await rm(socket, { force: true });
  const logFile = openSync(join(engineDir(), 'service.log'), 'a');
  // Detached into its own session: it outlives `prepare`, and `stopPodmanService` (or CI's trap) ends it.
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
    env: podmanEnv(),
    detached: true,
    stdio: ['ignore', logFile, logFile],
  });
  closeSync(logFile);
  let exited: Error | undefined;
  child.on('exit', (code, signal) => {
    exited = new Error(`podman system service exited (code ${code}, signal ${signal}); see ${join(engineDir(), 'service.log')}`);
  });
  child.unref();
  await writeFile(join(engineDir(), 'service.pid'), `${child.pid}\n`);
  await waitUntil('podman system service', async () => {
    if (!(await pingSocket(socket))) throw new Error('no answer on the socket yet');
  }, { timeoutMs: 60_000, intervalMs: 100, abortIf: () => exited });
  log('podman service on %s (pid %d)', socket, child.pid);
}

/**
 * Makes the project's podman answer the Docker API on its unix socket: installs the stack when missing,
 * writes the project-local configuration, and starts `podman system service` unless it already answers.
 * Returns the socket path. Parallel callers share one start (a lock directory in the cache).
 */
async function ensurePodmanService(): Promise<string> {
  await ensurePodmanInstalled();
  await installOnce({
    lock: join(engineDir(), 'service.lock'),
    staleAfterMs: 5 * 60_000,
    ready: podmanServiceAnswers,
    install: launchService,
  });
  return podmanSocket();
}

/** Stops the project's podman service if it runs (its containers should be swept first). */
async function stopPodmanService(): Promise<boolean> {
  const pid = await servicePid();
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  await waitUntil('podman service exit', async () => {
    if (processAlive(pid)) throw new Error('still running');
  }, { timeoutMs: 20_000, intervalMs: 100 }).catch(() => process.kill(pid, 'SIGKILL'));
  await rm(join(engineDir(), 'service.pid'), { force: true });
  await rm(podmanSocket(), { force: true });
  return true;
}

export { ensurePodmanInstalled, ensurePodmanService, podman, podmanConfigured, podmanEnv, podmanServiceAnswers, podmanSocket, stopPodmanService };
