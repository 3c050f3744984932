import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repositoryRoot } from './repository.js';

/** The scope every workspace package is published under; their versions move together. */
const SCOPE = '@rotation-lambdas/';
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
/** Semantic Versioning 2.0.0, as semver.org gives it. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

type Manifest = { version?: string; workspaces?: string[] } & Partial<Record<(typeof DEPENDENCY_FIELDS)[number], Record<string, string>>>;

/**
 * Sets one version everywhere (lockstep): the root package.json, every workspace package.json, and every
 * dependency on a workspace package, as that exact version (npm's own `npm version --workspaces` leaves
 * those behind). Returns the files changed. Run `npm install` afterwards to refresh the lockfile.
 */
async function setVersion(version: string, root: string = repositoryRoot()): Promise<string[]> {
  if (!SEMVER.test(version)) throw new Error(`"${version}" is not a semantic version (MAJOR.MINOR.PATCH[-pre][+build])`);
  const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
  const files = ['package.json', ...(rootManifest.workspaces ?? []).map((workspace) => join(workspace, 'package.json'))];
  const changed: string[] = [];
  for (const file of files) {
    const path = join(root, file);
    const text = await readFile(path, 'utf8');
    const manifest = JSON.parse(text) as Manifest;
    manifest.version = version;
    for (const field of DEPENDENCY_FIELDS) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (name.startsWith(SCOPE)) (manifest[field] as Record<string, string>)[name] = version;
      }
    }
    const updated = `${JSON.stringify(manifest, null, 2)}\n`;
    if (updated !== text) {
      await writeFile(path, updated);
      changed.push(file);
    }
  }
  return changed;
}

// Run as a script: npm run set-version -w @rotation-lambdas/deploy -- 1.2.3
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [version] = process.argv.slice(2);
  if (version === undefined) throw new Error('usage: set-version <version>');
  const changed = await setVersion(version);
  process.stdout.write(`${changed.map((file) => `set ${version} in ${file}\n`).join('')}now run "npm install" to update package-lock.json, and add a CHANGELOG.md section\n`);
}

export { setVersion };
