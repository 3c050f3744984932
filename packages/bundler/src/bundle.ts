import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { buildHandlerFiles, CHUNK_FILE } from './handler-build.js';
import { packageVersion, VERSION_GLOBAL, type VersionInfo } from './release-version.js';
import { readSbom, sbomPlugin } from './sbom.js';
import { renderNotices } from './third-party-notices.js';
import { readZip, writeZip, zipEntryTime } from './zip.js';

/** The Lambda runtimes the handlers are built for: nodejs22.x and nodejs24.x, so syntax up to Node 22. */
const TARGET = 'node22';

/**
 * ESM bundles of CommonJS drivers call `require` for Node built-ins; ESM has no `require`, so the bundle
 * makes one. (A CJS bundle would not need this, but Lambda's ESM loader is what the runtimes recommend.)
 */
const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** esbuild settings every bundle shares, handlers and command-line tools alike. */
const SHARED: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: TARGET,
  minify: true,
  // Error classes are matched and logged by name; minified names would turn InvalidSecretError into "oo".
  keepNames: true,
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

/** The handler inside every zip: `index.mjs` exporting `handler`. */
const HANDLER_ENTRY = 'index.handler';

/** One handler to bundle: `src/<strategy>.ts` of engine `<engine>`. */
interface HandlerEntry {
  readonly engine: string;
  readonly entry: string;
}

/** What one bundle produced. */
interface BundleResult {
  readonly name: string;
  readonly zipFile: string;
  readonly zipBytes: number;
  readonly bundleBytes: number;
}

/** Files of a handler's bundle directory besides the code: its SBOM, its notices and its version. */
const SBOM_FILE = 'sbom.cdx.json';
const NOTICES_FILE = 'THIRD-PARTY-NOTICES.txt';
const VERSION_FILE = 'version.json';

/** The esbuild options that stamp a bundle with its release: the version global, and the SBOM plugin. */
function releaseOptions(version: string, sbomFile: string): BuildOptions {
  return { define: { [VERSION_GLOBAL]: JSON.stringify(version) }, plugins: [sbomPlugin(sbomFile)] };
}

/**
 * Writes the bundle's notices (from the SBOM the build wrote) and its version.json beside the code, then
 * the zip: `index.mjs` and the chunks it loads, `THIRD-PARTY-NOTICES.txt` and `version.json`. The SBOM and
 * the source maps stay out.
 */
async function writeHandlerZip(directory: string, zipFile: string, info: VersionInfo): Promise<void> {
  const notices = renderNotices(await readSbom(join(directory, SBOM_FILE)), `rotation-lambdas ${info.name} ${info.version}`);
  const version = `${JSON.stringify(info, null, 2)}\n`;
  await writeFile(join(directory, NOTICES_FILE), notices);
  await writeFile(join(directory, VERSION_FILE), version);
  const chunks = (await readdir(directory)).filter((file) => CHUNK_FILE.test(file));
  await writeZip(
    [
      { name: 'index.mjs', data: await readFile(join(directory, 'index.mjs')) },
      ...(await Promise.all(chunks.map(async (chunk) => ({ name: chunk, data: await readFile(join(directory, chunk)) })))),
      { name: NOTICES_FILE, data: Buffer.from(notices) },
      { name: VERSION_FILE, data: Buffer.from(version) },
    ],
    zipFile,
  );
}

/** Where a bundle goes: `outDir` (default `<packageDir>/dist`) receives `<name>/` and `<name>.zip`. */
interface BundleOptions {
  readonly outDir?: string;
}

/**
 * Bundles one strategy entry with esbuild and zips it as `dist/<engine>-<strategy>.zip` with `index.mjs`
 * (handler `index.handler`) at the zip root. Every dependency is bundled, the AWS SDK included: the
 * function then runs the SDK version it was tested with, whichever runtime patch level Lambda serves.
 * Drivers' optional native modules (pg-native, kerberos, snappy…) stay as guarded runtime requires that
 * fail over to the pure-JS paths; they are not in the zip. The source map is written to
 * `dist/<name>/index.mjs.map` for decoding stack traces and kept out of the zip to keep it small.
 */
async function bundleHandler(packageDir: string, handler: HandlerEntry, options: BundleOptions = {}): Promise<BundleResult> {
  const strategy = basename(handler.entry).replace(/\.ts$/, '');
  const name = `${handler.engine}-${strategy}`;
  const distDir = options.outDir ?? join(packageDir, 'dist');
  const outDir = join(distDir, name);
  const version = await packageVersion(packageDir);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const bundleBytes = await buildHandlerFiles(packageDir, handler.entry, outDir, {
    ...SHARED,
    ...releaseOptions(version, SBOM_FILE),
    // The map stays beside the zip, not in it: with it mysql2 or mongodb alone would exceed the 600 KB budget.
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'external',
    banner: { js: REQUIRE_BANNER },
  });
  const zipFile = join(distDir, `${name}.zip`);
  await writeHandlerZip(outDir, zipFile, { name, version, engine: handler.engine, strategy, handler: HANDLER_ENTRY });
  return { name, zipFile, zipBytes: (await stat(zipFile)).size, bundleBytes };
}

/**
 * Bundles a command-line tool (`dist/<name>.mjs`, executable). Same settings as the handlers; modules that
 * load native code or are only needed for optional paths (testcontainers) stay external and are imported
 * from node_modules when used.
 */
async function bundleCommand(packageDir: string, entry: string, name: string, external: readonly string[]): Promise<string> {
  const outfile = join(packageDir, 'dist', `${name}.mjs`);
  await build({
    absWorkingDir: packageDir,
    entryPoints: [entry],
    outfile,
    ...SHARED,
    ...releaseOptions(await packageVersion(packageDir), `${name}.cdx.json`),
    sourcemap: 'linked',
    external: [...external],
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_BANNER}` },
  });
  await chmod(outfile, 0o755);
  const sbom = await readSbom(join(packageDir, 'dist', `${name}.cdx.json`));
  await writeFile(join(packageDir, 'dist', `${name}.${NOTICES_FILE}`), renderNotices(sbom, `${name} ${await packageVersion(packageDir)}`));
  return outfile;
}

export { bundleCommand, bundleHandler, HANDLER_ENTRY, NOTICES_FILE, readZip, SBOM_FILE, TARGET, VERSION_FILE, writeZip, zipEntryTime };
export type { BundleOptions, BundleResult, HandlerEntry };
