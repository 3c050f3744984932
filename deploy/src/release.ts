import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NOTICES_FILE, readZip, SBOM_FILE, VERSION_FILE } from '@rotation-lambdas/bundler';
import { FUNCTION_DEFAULTS, HANDLER_ENTRY, HANDLER_PROFILES, SUPPORTED_ARCHITECTURES, SUPPORTED_RUNTIMES } from '@rotation-lambdas/cdk/handler-profiles';
import { type PackagedHandler, packagedHandlers, releaseVersion, repositoryRoot } from './repository.js';
import { renderTemplate } from './sam-template.js';

/** A chunk's source map as the bundler writes it beside `index.mjs`. */
const CHUNK_MAP = /^chunk-[A-Z0-9]+\.mjs\.map$/;

/** One handler of a release, as `manifest.json` lists it. Every file name is relative to the release directory. */
interface ReleaseEntry {
  readonly handler: string;
  readonly version: string;
  /** `<handler>-<version>.zip`. */
  readonly zip: string;
  readonly size: number;
  readonly sha256: string;
  /** The source map of the zip's `index.mjs`, for decoding stack traces. */
  readonly sourceMap: string;
  /** The source maps of the chunks the zip's `index.mjs` loads on first use (drivers, SDK clients), named alike. */
  readonly chunkSourceMaps: readonly string[];
  /** The CycloneDX SBOM of the zip's bundle. */
  readonly sbom: string;
  /** The licence texts of every package in the zip (also inside it). */
  readonly notices: string;
  /** The SAM template, whose CodeUri is the zip. */
  readonly template: string;
  readonly runtime: string;
  readonly compatibleRuntimes: readonly string[];
  readonly architectures: readonly string[];
  readonly entry: string;
}

/** What `writeRelease` produced. */
interface Release {
  readonly outDir: string;
  readonly version: string;
  readonly entries: readonly ReleaseEntry[];
  /** Every file written, as SHA256SUMS lists them (SHA256SUMS itself aside). */
  readonly files: readonly string[];
}

interface ReleaseOptions {
  /** The repository root; default: the one this module is in. */
  readonly root?: string;
  /** Where to write; default `<root>/dist`. Emptied first. */
  readonly outDir?: string;
  /** The handlers to release; default: every handler the engine packages' `package` scripts build. */
  readonly handlers?: readonly PackagedHandler[];
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The directory the bundler wrote beside a zip: `dist/<name>/` with the source map, the SBOM and the notices. */
function bundleDirOf(handler: PackagedHandler): string {
  return join(dirname(handler.zipFile), handler.name);
}

/**
 * Refuses a release that would not be what it says: no CHANGELOG entry for the version, a handler without a
 * profile (so no template), a zip the build has not written, or a zip built at another version.
 */
async function checkReleasable(root: string, version: string, handlers: readonly PackagedHandler[]): Promise<void> {
  const changelog = await readFile(join(root, 'CHANGELOG.md'), 'utf8').catch(() => '');
  if (!new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm').test(changelog)) {
    throw new Error(`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section: describe the release first`);
  }
  for (const handler of handlers) {
    if (!HANDLER_PROFILES.some((profile) => profile.name === handler.name)) {
      throw new Error(`Handler ${handler.name} has no profile in packages/cdk/src/handler-profiles.ts, so no template`);
    }
    if (!existsSync(handler.zipFile)) throw new Error(`${handler.zipFile} does not exist: run "npm run build" first`);
    const stamped = JSON.parse(String((await readZip(handler.zipFile)).get(VERSION_FILE) ?? '{}')) as { name?: string; version?: string };
    if (stamped.name !== handler.name || stamped.version !== version) {
      throw new Error(`${handler.zipFile} was built as ${stamped.name ?? '?'} ${stamped.version ?? '?'}, not ${handler.name} ${version}: run "npm run build" again`);
    }
  }
}

/**
 * Writes a release a deployer can use without the repository: per handler the zip
 * (`<handler>-<version>.zip`), its source map, SBOM and third-party notices, and its SAM template with
 * CodeUri pointing at the zip; the LICENSE, the CHANGELOG and the engine READMEs the templates publish;
 * `manifest.json`; and `SHA256SUMS` over all of it. Throws before writing anything when the release is not
 * releasable (see checkReleasable).
 */
async function writeRelease(options: ReleaseOptions = {}): Promise<Release> {
  const root = options.root ?? repositoryRoot();
  const outDir = options.outDir ?? join(root, 'dist');
  const version = releaseVersion(root);
  const handlers = [...(options.handlers ?? packagedHandlers(root))].sort((a, b) => a.name.localeCompare(b.name));
  await checkReleasable(root, version, handlers);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const entries: ReleaseEntry[] = [];
  const readmes = new Set<string>();
  for (const handler of handlers) {
    const profile = HANDLER_PROFILES.find((candidate) => candidate.name === handler.name);
    if (profile === undefined) continue;
    const base = `${handler.name}-${version}`;
    const bundleDir = bundleDirOf(handler);
    const chunkMaps = (await readdir(bundleDir)).filter((name) => CHUNK_MAP.test(name)).sort();
    const entry: ReleaseEntry = {
      handler: handler.name,
      version,
      zip: `${base}.zip`,
      size: 0,
      sha256: '',
      sourceMap: `${base}.index.mjs.map`,
      chunkSourceMaps: chunkMaps.map((name) => `${base}.${name}`),
      sbom: `${base}.cdx.json`,
      notices: `${base}.${NOTICES_FILE}`,
      template: `${handler.name}.yaml`,
      runtime: FUNCTION_DEFAULTS.runtime,
      compatibleRuntimes: [...SUPPORTED_RUNTIMES],
      architectures: [...SUPPORTED_ARCHITECTURES],
      entry: HANDLER_ENTRY,
    };
    for (const name of chunkMaps) await copyFile(join(bundleDir, name), join(outDir, `${base}.${name}`));
    await copyFile(handler.zipFile, join(outDir, entry.zip));
    await copyFile(join(bundleDir, 'index.mjs.map'), join(outDir, entry.sourceMap));
    await copyFile(join(bundleDir, SBOM_FILE), join(outDir, entry.sbom));
    await copyFile(join(bundleDir, NOTICES_FILE), join(outDir, entry.notices));
    const readme = `README-${profile.engine}.md`;
    readmes.add(profile.engine);
    await writeFile(join(outDir, entry.template), renderTemplate(profile, { codeUri: entry.zip, readmeUrl: readme, licenseUrl: 'LICENSE' }));
    const zip = await readFile(join(outDir, entry.zip));
    entries.push({ ...entry, size: zip.length, sha256: sha256(zip) });
  }
  for (const engine of readmes) await copyFile(join(root, 'packages', engine, 'README.md'), join(outDir, `README-${engine}.md`));
  await copyFile(join(root, 'LICENSE'), join(outDir, 'LICENSE'));
  await copyFile(join(root, 'CHANGELOG.md'), join(outDir, 'CHANGELOG.md'));
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify({ name: 'rotation-lambdas', version, license: 'MIT-0', handlers: entries }, null, 2)}\n`);

  const files = (await readdir(outDir)).sort();
  const sums = await Promise.all(files.map(async (file) => `${sha256(await readFile(join(outDir, file)))}  ${file}\n`));
  await writeFile(join(outDir, 'SHA256SUMS'), sums.join(''));
  return { outDir, version, entries, files };
}

// Run as a script (npm run release): write <root>/dist from what the build wrote.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { outDir, version, entries, files } = await writeRelease();
  process.stdout.write(entries.map((entry) => `${entry.sha256}  ${entry.zip}  ${entry.size} bytes\n`).join(''));
  process.stdout.write(`rotation-lambdas ${version}: ${entries.length} handlers, ${files.length} files and SHA256SUMS in ${outDir}\n`);
}

export { writeRelease };
export type { Release, ReleaseEntry, ReleaseOptions };
