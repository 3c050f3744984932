import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The global the bundler defines (esbuild `define`) as the release version, a JSON string. Core reads it
 * as `ROTATION_LAMBDAS_VERSION`; unbundled code sees it undefined.
 */
const VERSION_GLOBAL = '__ROTATION_LAMBDAS_VERSION__';

/** The version in a package's package.json: every package carries the root's (lockstep versions). */
async function packageVersion(packageDir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${join(packageDir, 'package.json')} has no version`);
  return manifest.version;
}

/** What one handler zip carries as `version.json`: which handler of which release it is. */
interface VersionInfo {
  readonly name: string;
  readonly version: string;
  readonly engine: string;
  readonly strategy: string;
  readonly handler: string;
}

export { packageVersion, VERSION_GLOBAL };
export type { VersionInfo };
