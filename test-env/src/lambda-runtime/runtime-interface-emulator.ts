import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../cache-dir.js';
import { testEnvLog } from '../debug-log.js';
import { findGo } from '../go-toolchain.js';
import { installOnce, onceUntilFailure } from '../install-once.js';

const run = promisify(execFile);
const log = testEnvLog('lambda-runtime');

/**
 * AWS's Runtime Interface Emulator at commit bef5c4ba774d (2026-10-30), after release v1.30. Its release tags
 * (`v1.30`) are not semantic versions, so Go knows commits only by pseudo-version, and the module proxy serves
 * this one.
 */
const RUNTIME_INTERFACE_EMULATOR = {
  goPackage: 'github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie',
  version: 'v0.0.0-20261030222936-bef5c4ba774d',
} as const;

const STALE_LOCK_MS = 20 * 60_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** `<cache>/aws-lambda-rie/<version>/aws-lambda-rie`. */
function emulatorPath(): string {
  return join(cacheDir('aws-lambda-rie', RUNTIME_INTERFACE_EMULATOR.version), 'aws-lambda-rie');
}

/** `go install` into a fresh directory, then an atomic rename next to where the binary is kept. */
async function build(target: string): Promise<void> {
  const go = await findGo('Building the Lambda Runtime Interface Emulator');
  const work = await mkdtemp(join(cacheDir('aws-lambda-rie'), 'build-'));
  try {
    log('go install %s@%s (about a minute)', RUNTIME_INTERFACE_EMULATOR.goPackage, RUNTIME_INTERFACE_EMULATOR.version);
    await run(go, ['install', '-trimpath', `${RUNTIME_INTERFACE_EMULATOR.goPackage}@${RUNTIME_INTERFACE_EMULATOR.version}`], {
      env: { ...process.env, GOBIN: work, GOWORK: 'off', GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 64 << 20,
    });
    await rename(join(work, 'aws-lambda-rie'), target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The path of the pinned `aws-lambda-rie` binary: the cached one, else built once with `go install` from the
 * Go module proxy (parallel workers share one build through a lock directory).
 */
const ensureRuntimeInterfaceEmulator: () => Promise<string> = onceUntilFailure(async () => {
  const binary = emulatorPath();
  await installOnce({ lock: `${binary}.lock`, staleAfterMs: STALE_LOCK_MS, ready: async () => existsSync(binary), install: () => build(binary) });
  return binary;
});

export { ensureRuntimeInterfaceEmulator, RUNTIME_INTERFACE_EMULATOR };
