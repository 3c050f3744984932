import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type BuildOptions, build } from 'esbuild';
import yazl from 'yazl';
import { buildHandlerFiles } from './handler-build.js';

/** The Lambda runtimes the handlers are built for: nodejs22.x and nodejs24.x, so syntax up to Node 22. */
const TARGET = 'node22';

/** Fixed timestamp for every zip entry (the DOS epoch), so the same commit gives byte-identical zips. */
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');

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

/** Files of the bundle directory that go into the zip: the code and the bundled packages' licence notices. */
const ZIPPED = /^(index|chunk-[A-Z0-9]+)\.mjs(\.LEGAL\.txt)?$/;

async function writeZip(directory: string, zipFile: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const files = (await readdir(directory)).filter((file) => ZIPPED.test(file)).sort();
  for (const file of files) {
    zip.addBuffer(await readFile(join(directory, file)), file, { mtime: ZIP_MTIME, mode: 0o100644, compress: true });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipFile));
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
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const bundleBytes = await buildHandlerFiles(packageDir, handler.entry, outDir, {
    ...SHARED,
    // The map stays beside the zip, not in it: with it mysql2 or mongodb alone would exceed the 600 KB budget.
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'external',
    banner: { js: REQUIRE_BANNER },
  });
  const zipFile = join(distDir, `${name}.zip`);
  await writeZip(outDir, zipFile);
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
    sourcemap: 'linked',
    external: [...external],
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_BANNER}` },
  });
  await chmod(outfile, 0o755);
  return outfile;
}

export { bundleCommand, bundleHandler, TARGET, ZIP_MTIME };
export type { BundleOptions, BundleResult, HandlerEntry };
