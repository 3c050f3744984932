import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './cache-dir.js';
import { testEnvLog } from './debug-log.js';
import { installOnce } from './install-once.js';
import { ensureDebianPackages } from './system-packages.js';

const run = promisify(execFile);
const log = testEnvLog('cfn-lint');

/** The cfn-lint release the templates are checked with (PyPI), pinned so a new rule cannot fail an old commit. */
const CFN_LINT_VERSION = '1.51.0';

/** An install lock older than this (two installer commands at most 10 min each) is left over from a killed run. */
const STALE_LOCK_MS = 25 * 60_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;

let ensured: Promise<string> | undefined;

/** The virtualenv: `<cache>/cfn-lint-<version>`, with the executable at `bin/cfn-lint`. */
function venvDir(): string {
  return join(cacheDir(), `cfn-lint-${CFN_LINT_VERSION}`);
}

/** Whether `binary` runs and reports the pinned version. */
async function runs(binary: string): Promise<boolean> {
  if (!existsSync(binary)) return false;
  try {
    const { stdout } = await run(binary, ['--version'], { timeout: 60_000 });
    return stdout.includes(CFN_LINT_VERSION);
  } catch {
    return false;
  }
}

function pythonHasVenv(): boolean {
  return spawnSync('python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status === 0;
}

/**
 * Creates the virtualenv at `target` and installs cfn-lint into it. Not built elsewhere and renamed: a
 * virtualenv's scripts name its own path in their shebangs. A half-made one fails `runs` and is made again.
 * Debian's python3 lacks ensurepip until python3-venv is installed, which is done here when running as root.
 */
async function installCfnLint(target: string): Promise<void> {
  await ensureDebianPackages(['python3-venv'], pythonHasVenv);
  await rm(target, { recursive: true, force: true });
  log('creating virtualenv %s', target);
  await run('python3', ['-m', 'venv', target], { timeout: INSTALL_TIMEOUT_MS });
  log('installing cfn-lint %s from PyPI', CFN_LINT_VERSION);
  await run(join(target, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `cfn-lint==${CFN_LINT_VERSION}`], {
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 << 20,
  });
}

/**
 * The path of a cfn-lint executable of the pinned version: the cached virtualenv's when it runs, else one
 * installed once from PyPI with `python3 -m venv` and pip (parallel workers and processes share one install
 * through a lock directory). Throws when python3 or PyPI is not available.
 */
function ensureCfnLint(): Promise<string> {
  ensured ??= (async () => {
    const target = venvDir();
    const binary = join(target, 'bin', 'cfn-lint');
    await installOnce({
      lock: `${target}.lock`,
      staleAfterMs: STALE_LOCK_MS,
      ready: () => runs(binary),
      install: () => installCfnLint(target),
    });
    return binary;
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

export { CFN_LINT_VERSION, ensureCfnLint };
