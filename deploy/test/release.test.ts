import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readZip, writeZip } from '@rotation-lambdas/bundler';
import { ensureCfnLint } from '@rotation-lambdas/test-env';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../src/cfn-yaml.js';
import { type Release, writeRelease } from '../src/release.js';
import { type PackagedHandler, packagedHandlers, releaseVersion, repositoryRoot } from '../src/repository.js';

const run = promisify(execFile);
const root = repositoryRoot();
const version = releaseVersion(root);

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * Builds one handler in a fresh Node process with the given TZ, as `npm run build` would on a machine set to
 * that time zone, into `outDir`; returns the zip's path.
 */
async function buildIn(timeZone: string, handler: PackagedHandler, outDir: string): Promise<string> {
  const script = `import { bundleHandler } from '@rotation-lambdas/bundler';
const result = await bundleHandler(process.cwd(), { engine: ${JSON.stringify(handler.engine)}, entry: 'src/${handler.strategy}.ts' }, { outDir: ${JSON.stringify(outDir)} });
process.stdout.write(result.zipFile);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(root, 'packages', handler.engine),
    env: { ...process.env, TZ: timeZone },
  });
  return stdout;
}

/** The handlers the tests release: a database handler of each strategy, so a driver and the AWS SDK are bundled. */
const handlers = packagedHandlers(root).filter((candidate) => candidate.engine === 'postgres');

describe('release artifacts', () => {
  const built: Record<string, string> = {};
  let release: Release;

  beforeAll(async () => {
    expect(handlers.map((handler) => handler.strategy).sort()).toEqual(['alternating-users', 'single-user']);
    const [single, alternating] = handlers.sort((a, b) => b.strategy.localeCompare(a.strategy)) as [PackagedHandler, PackagedHandler];
    // One build per time zone, into different directories at different depths: neither may leak into the zip.
    built.utc = await buildIn('UTC', single, await mkdtemp(join(tmpdir(), 'rotation-release-utc-')));
    built.tokyo = await buildIn('Asia/Tokyo', single, join(await mkdtemp(join(tmpdir(), 'rotation-release-tokyo-')), 'nested', 'dist'));
    built.losAngeles = await buildIn('America/Los_Angeles', single, await mkdtemp(join(tmpdir(), 'rotation-release-la-')));
    const alternatingZip = await buildIn('UTC', alternating, await mkdtemp(join(tmpdir(), 'rotation-release-alt-')));
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    release = await writeRelease({ root, outDir, handlers: [{ ...single, zipFile: built.utc }, { ...alternating, zipFile: alternatingZip }] });
  }, 300_000);

  it('builds byte-identical zips in UTC, Asia/Tokyo and America/Los_Angeles, whatever the output directory', async () => {
    const [utc, tokyo, losAngeles] = [await sha256(built.utc ?? ''), await sha256(built.tokyo ?? ''), await sha256(built.losAngeles ?? '')];

    expect((await readFile(built.utc ?? '')).length).toBeGreaterThan(10_000);
    expect(tokyo).toBe(utc);
    expect(losAngeles).toBe(utc);
  });

  it('holds, per handler, the versioned zip, its source map, SBOM, notices and template, plus LICENSE, CHANGELOG, READMEs and the manifest', async () => {
    const chunkMaps = release.entries.flatMap((entry) => entry.chunkSourceMaps);
    const files = (await readdir(release.outDir)).filter((file) => !chunkMaps.includes(file)).sort();

    const perHandler = (name: string) => [`${name}-${version}.THIRD-PARTY-NOTICES.txt`, `${name}-${version}.cdx.json`, `${name}-${version}.index.mjs.map`, `${name}-${version}.zip`, `${name}.yaml`];
    expect(files).toEqual(
      ['CHANGELOG.md', 'LICENSE', 'README-postgres.md', 'SHA256SUMS', 'manifest.json', ...perHandler('postgres-alternating-users'), ...perHandler('postgres-single-user')].sort(),
    );
    expect(await readFile(join(release.outDir, 'LICENSE'), 'utf8')).toBe(await readFile(join(root, 'LICENSE'), 'utf8'));
  });

  it('lists every file in SHA256SUMS, which sha256sum accepts', async () => {
    const { stdout } = await run('sha256sum', ['--check', '--strict', 'SHA256SUMS'], { cwd: release.outDir });

    const checked = stdout.trim().split('\n');
    expect(checked).toEqual(release.files.map((file) => `${file}: OK`));
    expect(release.files).toHaveLength((await readdir(release.outDir)).length - 1);
  });

  it('describes each handler in manifest.json with its version, checksum and files', async () => {
    const manifest = JSON.parse(await readFile(join(release.outDir, 'manifest.json'), 'utf8')) as { name: string; version: string; license: string; handlers: unknown[] };

    expect(manifest).toMatchObject({ name: 'rotation-lambdas', version, license: 'MIT-0' });
    expect(manifest.handlers).toEqual(release.entries);
    const single = release.entries.find((entry) => entry.handler === 'postgres-single-user');
    expect(single).toEqual({
      handler: 'postgres-single-user',
      version,
      zip: `postgres-single-user-${version}.zip`,
      size: (await readFile(built.utc ?? '')).length,
      sha256: await sha256(built.utc ?? ''),
      sourceMap: `postgres-single-user-${version}.index.mjs.map`,
      chunkSourceMaps: expect.arrayContaining([expect.stringMatching(new RegExp(`^postgres-single-user-${version.replaceAll('.', '\\.')}\\.chunk-[A-Z0-9]+\\.mjs\\.map$`))]),
      sbom: `postgres-single-user-${version}.cdx.json`,
      notices: `postgres-single-user-${version}.THIRD-PARTY-NOTICES.txt`,
      template: 'postgres-single-user.yaml',
      runtime: 'nodejs22.x',
      compatibleRuntimes: ['nodejs22.x', 'nodejs24.x'],
      architectures: ['arm64', 'x86_64'],
      entry: 'index.handler',
    });
  });

  it('carries the version and the third-party notices inside each zip', async () => {
    for (const entry of release.entries) {
      const files = await readZip(join(release.outDir, entry.zip));

      // Besides the entry, only the code chunks it loads on first use (drivers, SDK clients); no source maps.
      // Each chunk's source map is in the release beside the zip, for decoding a stack trace through a driver.
      const names = [...files.keys()];
      const chunks = names.filter((name) => /^chunk-[A-Z0-9]+\.mjs$/.test(name));
      expect(names.filter((name) => !chunks.includes(name)), entry.handler).toEqual(['THIRD-PARTY-NOTICES.txt', 'index.mjs', 'version.json']);
      expect(chunks.length, entry.handler).toBeGreaterThan(0);
      expect(entry.chunkSourceMaps, entry.handler).toEqual(chunks.map((chunk) => `${entry.handler}-${version}.${chunk}.map`).sort());
      for (const map of entry.chunkSourceMaps) await expect(readFile(join(release.outDir, map), 'utf8')).resolves.toContain('"sources"');
      expect(JSON.parse(String(files.get('version.json')))).toMatchObject({ name: entry.handler, version });
      expect(String(files.get('THIRD-PARTY-NOTICES.txt'))).toBe(await readFile(join(release.outDir, entry.notices), 'utf8'));
    }
  });

  it("lists the bundled driver and SDK in each zip's SBOM and gives their licence texts in the notices", async () => {
    const entry = release.entries.find((candidate) => candidate.handler === 'postgres-alternating-users');
    const sbom = JSON.parse(await readFile(join(release.outDir, entry?.sbom ?? ''), 'utf8')) as { bomFormat: string; components: { group?: string; name: string; version: string }[] };
    const notices = await readFile(join(release.outDir, entry?.notices ?? ''), 'utf8');
    const pgLicense = await readFile(join(root, 'node_modules', 'pg', 'LICENSE'), 'utf8');

    expect(sbom.bomFormat).toBe('CycloneDX');
    const names = sbom.components.map((component) => `${component.group ? `${component.group}/` : ''}${component.name}`);
    expect(names).toEqual(expect.arrayContaining(['pg', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-rds', '@rotation-lambdas/core']));
    expect(names).not.toContain('esbuild');
    expect(notices).toContain(pgLicense.trim().split('\n').slice(-4).join('\n'));
    expect(notices).toContain('Apache License');
  });

  it('ships SAM templates whose CodeUri, ReadmeUrl and LicenseUrl name files of the release, with the release version', async () => {
    for (const entry of release.entries) {
      const template = parseTemplate(await readFile(join(release.outDir, entry.template), 'utf8')) as {
        Metadata: { 'AWS::ServerlessRepo::Application': Record<string, string> };
        Resources: { RotationLambda: { Properties: { CodeUri: string } } };
      };
      const sar = template.Metadata['AWS::ServerlessRepo::Application'];

      expect(template.Resources.RotationLambda.Properties.CodeUri).toBe(entry.zip);
      for (const path of [sar.ReadmeUrl, sar.LicenseUrl]) expect(existsSync(resolve(release.outDir, path ?? 'missing')), path).toBe(true);
      expect(sar.SemanticVersion).toBe(version);
    }
  });

  it('ships templates that cfn-lint passes', async () => {
    const cfnLint = await ensureCfnLint();

    const { stdout, stderr } = await run(cfnLint, release.entries.map((entry) => join(release.outDir, entry.template)));

    expect(`${stdout}${stderr}`).toBe('');
  }, 600_000);

  it('refuses a zip built at another version, writing nothing', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'rotation-release-stale-'));
    const stale = join(dir, 'postgres-single-user.zip');
    await writeZip([{ name: 'version.json', data: Buffer.from(JSON.stringify({ name: 'postgres-single-user', version: '0.0.1' })) }], stale);
    const outDir = join(dir, 'dist');

    // Act
    const result = writeRelease({ root, outDir, handlers: [{ ...(handlers[0] as PackagedHandler), name: 'postgres-single-user', zipFile: stale }] });

    // Assess
    await expect(result).rejects.toThrow(`built as postgres-single-user 0.0.1, not postgres-single-user ${version}`);
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses to release before the build wrote the zips', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    const missing = { ...(handlers[0] as PackagedHandler), zipFile: join(outDir, 'absent.zip') };

    await expect(writeRelease({ root, outDir, handlers: [missing] })).rejects.toThrow(/run "npm run build" first/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses a handler that has no template', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'rotation-release-')), 'dist');
    const unknown = { engine: 'oracle', strategy: 'single-user', name: 'oracle-single-user', zipFile: built.utc ?? '' };

    await expect(writeRelease({ root, outDir, handlers: [unknown] })).rejects.toThrow(/oracle-single-user has no profile/);
  });

  it('refuses a version the CHANGELOG does not describe', async () => {
    // Prepare: a repository root at another version, with this CHANGELOG.
    const other = await mkdtemp(join(tmpdir(), 'rotation-release-root-'));
    await writeFile(join(other, 'package.json'), JSON.stringify({ name: 'x', version: '99.0.0', workspaces: [] }));
    await writeFile(join(other, 'CHANGELOG.md'), await readFile(join(root, 'CHANGELOG.md')));
    await mkdir(join(other, 'packages'));

    // Act
    const result = writeRelease({ root: other, outDir: join(other, 'dist'), handlers: [] });

    // Assess
    await expect(result).rejects.toThrow('CHANGELOG.md has no "## [99.0.0] - YYYY-MM-DD" section');
  });
});
