import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A handler an engine package's `package` script bundles: `rotation-bundle <engine> src/<strategy>.ts…`. */
interface PackagedHandler {
  readonly engine: string;
  readonly strategy: string;
  /** `<engine>-<strategy>`, the zip's base name. */
  readonly name: string;
  /** The zip the bundler writes: `<repository>/packages/<engine>/dist/<name>.zip`. */
  readonly zipFile: string;
}

/** The monorepo root: the nearest directory above `from` whose package.json declares workspaces. */
function repositoryRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
  }
  throw new Error(`No package.json with "workspaces" above ${from}`);
}

/**
 * The release version: the root package.json's `version`, which every workspace package carries too
 * (lockstep). Throws when the root has none.
 */
function releaseVersion(root: string = repositoryRoot()): string {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${join(root, 'package.json')} has no "version"`);
  return version;
}

/** The handlers one `package` script bundles; `rotation-bundle --command …` builds a tool, not a handler. */
function handlersOfScript(script: string, root: string, folder: string): PackagedHandler[] {
  const handlers: PackagedHandler[] = [];
  for (const command of script.split('&&')) {
    const [program, engine, ...entries] = command.trim().split(/\s+/);
    if (program !== 'rotation-bundle' || command.includes('--command')) continue;
    if (engine === undefined || engine.startsWith('-') || entries.length === 0) {
      throw new Error(`packages/${folder}: "${command.trim()}" is not "rotation-bundle <engine> <src/strategy.ts>…"`);
    }
    for (const entry of entries) {
      const name = `${engine}-${basename(entry).replace(/\.ts$/, '')}`;
      handlers.push({ engine, strategy: name.slice(engine.length + 1), name, zipFile: join(root, 'packages', folder, 'dist', `${name}.zip`) });
    }
  }
  return handlers;
}

/**
 * Every handler the build produces, read from the `package` scripts of the packages in `packages/`: the
 * arguments the bundler gets. Throws when a `rotation-bundle` call there has no engine or no entry.
 */
function packagedHandlers(root: string = repositoryRoot()): PackagedHandler[] {
  return readdirSync(join(root, 'packages'))
    .sort()
    .flatMap((folder) => {
      const manifest = join(root, 'packages', folder, 'package.json');
      if (!existsSync(manifest)) return [];
      const script = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }).scripts?.package;
      return script === undefined ? [] : handlersOfScript(script, root, folder);
    });
}

export { packagedHandlers, releaseVersion, repositoryRoot };
export type { PackagedHandler };
