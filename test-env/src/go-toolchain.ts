import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The Go command test-env builds Go servers and tools with: `GO`, else `go` on PATH, else Go's default install
 * directory. Throws, naming `purpose`, when none runs.
 */
async function findGo(purpose: string): Promise<string> {
  for (const candidate of [process.env.GO, 'go', '/usr/local/go/bin/go'].filter((go): go is string => Boolean(go))) {
    try {
      await run(candidate, ['version']);
      return candidate;
    } catch {
      // Try the next place Go is commonly installed.
    }
  }
  // Go 1.21 and later fetch the toolchain a module asks for from the module proxy, so any of them will do.
  throw new Error(`${purpose} needs Go 1.21 or later; install it from https://go.dev/dl or set GO`);
}

export { findGo };
