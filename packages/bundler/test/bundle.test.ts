import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleHandler } from '../src/bundle.js';
import { readSbom } from '../src/sbom.js';
import { readZip } from '../src/zip.js';

const fixture = join(import.meta.dirname, 'fixtures', 'stamped');

describe('bundleHandler', () => {
  let result: BundleResult;
  let files: Map<string, Buffer>;

  beforeAll(async () => {
    result = await bundleHandler(fixture, { engine: 'stamped', entry: 'src/single-user.ts' }, { outDir: await mkdtemp(join(tmpdir(), 'rotation-bundle-')) });
    files = await readZip(result.zipFile);
  }, 120_000);

  it('zips the code (index.mjs and the chunks it loads), its third-party notices and its version.json, and nothing else', async () => {
    const chunk = /^chunk-[A-Z0-9]+\.mjs$/;
    expect([...files.keys()].filter((name) => !chunk.test(name))).toEqual(['THIRD-PARTY-NOTICES.txt', 'index.mjs', 'version.json']);
    expect(JSON.parse(String(files.get('version.json')))).toEqual({
      name: 'stamped-single-user',
      version: '3.2.1-fixture',
      engine: 'stamped',
      strategy: 'single-user',
      handler: 'index.handler',
    });
  });

  it("stamps the package's version into the code, where core's ROTATION_LAMBDAS_VERSION reads it", async () => {
    // Loaded as Lambda loads it: the zip's files alone in a directory.
    const dir = await mkdtemp(join(tmpdir(), 'rotation-unzipped-'));
    for (const [name, data] of files) await writeFile(join(dir, name), data);
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: () => Promise<{ version: string; zipWriter: string }> };

    expect(await module.handler()).toEqual({ version: '3.2.1-fixture', zipWriter: 'function' });
  });

  it('lists in the SBOM exactly the packages esbuild bundled', async () => {
    const sbom = await readSbom(join(result.zipFile.replace(/\.zip$/, ''), 'sbom.cdx.json'));

    expect(sbom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(sbom.components.map((component) => `${component.group ? `${component.group}/` : ''}${component.name}`).sort()).toEqual([
      '@rotation-lambdas/core',
      'buffer-crc32',
      'yazl',
    ]);
  });

  it('writes the licence text of every bundled third-party package into the notices', async () => {
    const notices = String(files.get('THIRD-PARTY-NOTICES.txt'));
    const yazlLicense = await readFile(join(import.meta.dirname, '..', '..', '..', 'node_modules', 'yazl', 'LICENSE'), 'utf8');

    expect(notices).toMatch(/^rotation-lambdas stamped-single-user 3\.2\.1-fixture: third-party notices/);
    expect(notices).toMatch(/^ {2}yazl \d+\.\d+\.\d+ +MIT$/m);
    expect(notices).toMatch(/^ {2}buffer-crc32 \d+\.\d+\.\d+ +MIT$/m);
    expect(notices).toContain(yazlLicense.trim().split('\n').slice(-3).join('\n'));
    expect(notices).not.toMatch(/^ {2}@rotation-lambdas\/core/m);
  });

  it('dates every entry 1980-01-01 00:00 in DOS fields, without a time-zone dependent extended timestamp', async () => {
    const zip = await readFile(result.zipFile);

    // The first local file header: signature, then DOS time at offset 10, date at 12, extra field length at 28.
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(10)).toBe(0);
    expect(zip.readUInt16LE(12)).toBe((0 << 9) | (1 << 5) | 1);
    expect(zip.readUInt16LE(28)).toBe(0);
  });
});
