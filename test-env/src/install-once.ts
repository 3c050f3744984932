import { mkdir, rmdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** How to make something once, however many processes ask at the same time. */
interface InstallOnceOptions {
  /** A directory created as the lock (mkdir is atomic); removed when the install ends. */
  readonly lock: string;
  /** A lock older than this is taken to belong to a process that died mid-install. */
  readonly staleAfterMs: number;
  /** Whether the thing exists and works. */
  readonly ready: () => Promise<boolean>;
  readonly install: () => Promise<void>;
}

async function lockIsStale(lock: string, staleAfterMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

/**
 * Runs `install` unless `ready()` already holds, with a lock directory so that parallel test workers and
 * processes share one install: the others wait for it and then find it ready.
 */
async function installOnce(options: InstallOnceOptions): Promise<void> {
  for (;;) {
    if (await options.ready()) return;
    try {
      await mkdir(options.lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await lockIsStale(options.lock, options.staleAfterMs)) await rmdir(options.lock).catch(() => undefined);
      else await sleep(1_000);
      continue;
    }
    try {
      if (!(await options.ready())) await options.install();
    } finally {
      await rmdir(options.lock).catch(() => undefined);
    }
  }
}

/**
 * `make` run at most once per process while it succeeds: every caller shares its promise. A failure is
 * forgotten, so the next call tries again.
 */
function onceUntilFailure<T>(make: () => Promise<T>): () => Promise<T> {
  let shared: Promise<T> | undefined;
  return () => {
    if (shared === undefined) {
      shared = make();
      shared.catch(() => {
        shared = undefined;
      });
    }
    return shared;
  };
}

export { installOnce, onceUntilFailure };
export type { InstallOnceOptions };
