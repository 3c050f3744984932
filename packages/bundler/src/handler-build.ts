import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { UNUSED_CODE } from './unused-code.js';

/**
 * esbuild settings of handler bundles on top of the shared ones. Code only reached through `import()` (the
 * RDS and ElastiCache clients, the SDK's container credentials) goes into `chunk-<hash>.mjs` files beside
 * `index.mjs`, loaded when first used: in one file esbuild hoists every module's top-level variables to the
 * bundle's scope, and V8 pays for them at import even when the code never runs.
 */
const HANDLER: BuildOptions = {
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
};

/** The chunk files of a handler bundle, beside `index.mjs`. */
const CHUNK_FILE = /^chunk-[A-Z0-9]+\.mjs$/;

/** The outputs `index.mjs` loads, directly or through other chunks, statically or on first use. */
function reachableOutputs(outputs: Metafile['outputs'], entry: string): Set<string> {
  const start = Object.keys(outputs).find((file) => outputs[file]?.entryPoint === entry && file.endsWith('/index.mjs'));
  const reachable = new Set<string>();
  const queue = start === undefined ? [] : [start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (reachable.has(file)) continue;
    reachable.add(file);
    for (const imported of outputs[file]?.imports ?? []) if (!imported.external) queue.push(imported.path);
  }
  return reachable;
}

/**
 * Drops the chunks `index.mjs` can never load, with their maps and notices: esbuild writes a chunk for every
 * `import()` it sees, also one in code it then drops (single-user never loads the RDS client). It also takes
 * them out of the build's metafile, before the plugins after it (the SBOM) read what the bundle holds.
 */
function reachableChunksOnly(packageDir: string, entry: string): Plugin {
  const prune = async (metafile: Metafile) => {
    const reachable = reachableOutputs(metafile.outputs, entry);
    const dropped = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs') && !reachable.has(file));
    for (const file of dropped.flatMap((chunk) => [chunk, `${chunk}.map`, `${chunk}.LEGAL.txt`])) {
      delete metafile.outputs[file];
      await rm(join(packageDir, file), { force: true });
    }
  };
  return {
    name: 'reachable-chunks-only',
    setup(build) {
      build.onEnd(async ({ metafile }) => {
        if (metafile !== undefined) await prune(metafile);
      });
    },
  };
}

/**
 * Bundles a handler entry into `outDir`: `index.mjs`, the chunks it loads, their maps and licence notices.
 * esbuild's chunk hashes cover the maps, whose source paths are relative to the output directory, so the
 * build runs in a staging directory at the depth of `dist/<name>` and is then copied: the same sources give
 * the same chunk names wherever `outDir` is. Returns the size of the code (every `.mjs`) in bytes.
 */
async function buildHandlerFiles(packageDir: string, entry: string, outDir: string, options: BuildOptions): Promise<number> {
  await mkdir(join(packageDir, 'dist'), { recursive: true });
  const staging = await mkdtemp(join(packageDir, 'dist', '.staging-'));
  try {
    await build({
      ...options,
      ...HANDLER,
      // The stand-ins resolve first, and the chunks are pruned first: the caller's plugins (the SBOM) see what is bundled.
      plugins: [reachableChunksOnly(packageDir, entry.replace(/^\.\//, '')), ...UNUSED_CODE, ...(options.plugins ?? [])],
      absWorkingDir: packageDir,
      entryPoints: [entry],
      outdir: staging,
      metafile: true,
    });
    await cp(staging, outDir, { recursive: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const code = (await readdir(outDir)).filter((file) => file.endsWith('.mjs'));
  const sizes = await Promise.all(code.map(async (file) => (await stat(join(outDir, file))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

export { buildHandlerFiles, CHUNK_FILE };
