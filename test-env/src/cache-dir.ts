import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where test-env keeps what is slow to make and safe to reuse between runs (built FerretDB, a template
 * PostgreSQL data directory, the cfn-lint virtualenv): ROTATION_TEST_CACHE, else ~/.cache/rotation-lambdas.
 */
function cacheDir(...parts: string[]): string {
  const dir = join(process.env.ROTATION_TEST_CACHE ?? join(homedir(), '.cache', 'rotation-lambdas'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export { cacheDir };
