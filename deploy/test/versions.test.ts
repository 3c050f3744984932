import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import spdxLicenses from 'spdx-license-list/full.js';
import { describe, expect, it } from 'vitest';
import { releaseVersion, repositoryRoot } from '../src/repository.js';
import { setVersion } from '../src/set-version.js';

const root = repositoryRoot();
const version = releaseVersion(root);

type Manifest = { name: string; version?: string; workspaces?: string[] } & Record<string, unknown>;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

async function manifests(at: string): Promise<Manifest[]> {
  const rootManifest = JSON.parse(await readFile(join(at, 'package.json'), 'utf8')) as Manifest;
  const workspaces = await Promise.all((rootManifest.workspaces ?? []).map(async (dir) => JSON.parse(await readFile(join(at, dir, 'package.json'), 'utf8')) as Manifest));
  return [rootManifest, ...workspaces];
}

/** Every `@rotation-lambdas/*` dependency of a manifest, as `<field> <name>@<spec>`. */
function internalDependencies(manifest: Manifest): string[] {
  return DEPENDENCY_FIELDS.flatMap((field) =>
    Object.entries((manifest[field] as Record<string, string> | undefined) ?? {})
      .filter(([name]) => name.startsWith('@rotation-lambdas/'))
      .map(([name, spec]) => `${field} ${name}@${spec}`),
  );
}

describe('one version for the whole set', () => {
  it('is a semantic version in the root package.json, carried by every workspace package', async () => {
    const all = await manifests(root);

    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const manifest of all) expect(manifest.version, manifest.name).toBe(version);
  });

  it('pins every dependency between workspace packages to exactly that version', async () => {
    for (const manifest of await manifests(root)) {
      for (const dependency of internalDependencies(manifest)) expect(dependency, manifest.name).toMatch(new RegExp(`@${version.replaceAll('.', '\\.')}$`));
    }
  });

  it('is set everywhere at once by set-version, internal dependencies included', async () => {
    // Prepare: a copy of every package.json, laid out as in the repository.
    const copy = await mkdtemp(join(tmpdir(), 'rotation-set-version-'));
    const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
    for (const file of ['package.json', ...(rootManifest.workspaces ?? []).map((dir) => join(dir, 'package.json'))]) await cp(join(root, file), join(copy, file));

    // Act
    const changed = await setVersion('2.3.4-rc.1', copy);

    // Assess
    const all = await manifests(copy);
    expect(changed).toHaveLength(all.length);
    for (const manifest of all) {
      expect(manifest.version, manifest.name).toBe('2.3.4-rc.1');
      for (const dependency of internalDependencies(manifest)) expect(dependency, manifest.name).toMatch(/@2\.3\.4-rc\.1$/);
    }
    expect(all.flatMap(internalDependencies).length).toBeGreaterThan(20);
    await expect(setVersion('v2', copy)).rejects.toThrow('"v2" is not a semantic version');
  });
});

describe('CHANGELOG.md and LICENSE', () => {
  it('keep a changelog: an Unreleased section, a dated section for this version, and their links', async () => {
    const changelog = await readFile(join(root, 'CHANGELOG.md'), 'utf8');

    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('https://keepachangelog.com/en/1.1.0/');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
    for (const heading of changelog.matchAll(/^### (.+)$/gm)) expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(heading[1]);
    expect(changelog).toMatch(new RegExp(`^\\[${version.replaceAll('.', '\\.')}\\]: https://`, 'm'));
  });

  it('LICENSE is the SPDX MIT-0 text the packages declare, with its copyright line filled in', async () => {
    const license = await readFile(join(root, 'LICENSE'), 'utf8');
    const standard = spdxLicenses['MIT-0']?.licenseText ?? '';

    expect(license.replace(/^Copyright \d{4} .+$/m, 'Copyright <YEAR> <COPYRIGHT HOLDER>').trim()).toBe(standard.trim());
    for (const manifest of await manifests(root)) expect(manifest.license, manifest.name).toBe('MIT-0');
    // npm packs a package's own LICENSE file only: the packages published on their own carry a copy.
    for (const published of ['packages/cdk', 'packages/cli']) expect(await readFile(join(root, published, 'LICENSE'), 'utf8'), published).toBe(license);
  });
});
