import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { testEnvLog } from './debug-log.js';

const run = promisify(execFile);
const log = testEnvLog('install');

let updated: Promise<void> | undefined;

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Installs Debian packages when `isPresent()` says they are missing: idempotent (about a millisecond when
 * present) and safe to call from parallel test workers (apt's own lock, waited on). Needs root and apt-get;
 * otherwise the error says which command to run.
 */
async function ensureDebianPackages(packages: readonly string[], isPresent: () => boolean): Promise<void> {
  if (isPresent()) return;
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`Missing ${packages.join(', ')}: run "sudo apt-get install -y ${packages.join(' ')}" (or set the ROTATION_TEST_*_URL variable)`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  updated ??= run('apt-get', [...lockWait, 'update', '-qq'], { env, maxBuffer: 64 << 20 }).then(() => undefined);
  await updated;
  log('installing %o', packages);
  // No service starts: the image's policy-rc.d denies it, which is what the tests want.
  await run('apt-get', [...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...packages], { env, maxBuffer: 64 << 20 });
  if (!isPresent()) throw new Error(`${packages.join(', ')} installed but the expected binaries are still missing`);
}

export { ensureDebianPackages, isRoot };
