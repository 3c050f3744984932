import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_DEFAULTS, HANDLER_ENTRY, HANDLER_PROFILES, SUPPORTED_RUNTIMES } from '@rotation-lambdas/cdk/handler-profiles';
import { templatePath } from './generate-templates.js';
import { type PackagedHandler, packagedHandlers, repositoryRoot } from './repository.js';

/** One handler of a release, as `manifest.json` lists it. */
interface ReleaseEntry {
  readonly handler: string;
  /** The zip's file name in the release directory. */
  readonly zip: string;
  readonly size: number;
  readonly sha256: string;
  readonly runtime: string;
  readonly compatibleRuntimes: readonly string[];
  readonly architecture: string;
  readonly entry: string;
  /** The handler's SAM template, relative to the repository root. */
  readonly template: string;
}

/** What `writeRelease` produced. */
interface Release {
  readonly outDir: string;
  readonly entries: readonly ReleaseEntry[];
}

interface ReleaseOptions {
  /** The repository root; default: the one this module is in. */
  readonly root?: string;
  /** Where to write; default `<root>/dist`. Emptied first. */
  readonly outDir?: string;
  /** The handlers to release; default: every handler the engine packages' `package` scripts build. */
  readonly handlers?: readonly PackagedHandler[];
}

/**
 * Copies every handler zip into the release directory and writes `SHA256SUMS` (the `sha256sum` format) and
 * `manifest.json` beside them. Throws when a zip is missing (the build has not run) or a handler has no
 * profile, and so no template.
 */
async function writeRelease(options: ReleaseOptions = {}): Promise<Release> {
  const root = options.root ?? repositoryRoot();
  const outDir = options.outDir ?? join(root, 'dist');
  const handlers = [...(options.handlers ?? packagedHandlers(root))].sort((a, b) => a.name.localeCompare(b.name));
  for (const handler of handlers) {
    if (!HANDLER_PROFILES.some((profile) => profile.name === handler.name)) {
      throw new Error(`Handler ${handler.name} has no profile in packages/cdk/src/handler-profiles.ts, so no template`);
    }
    if (!existsSync(handler.zipFile)) throw new Error(`${handler.zipFile} does not exist: run "npm run build" first`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const entries: ReleaseEntry[] = [];
  for (const handler of handlers) {
    const zip = `${handler.name}.zip`;
    await copyFile(handler.zipFile, join(outDir, zip));
    const bytes = await readFile(join(outDir, zip));
    entries.push({
      handler: handler.name,
      zip,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      runtime: FUNCTION_DEFAULTS.runtime,
      compatibleRuntimes: [...SUPPORTED_RUNTIMES],
      architecture: FUNCTION_DEFAULTS.architecture,
      entry: HANDLER_ENTRY,
      template: relative(root, templatePath(handler.name, root)),
    });
  }
  await writeFile(join(outDir, 'SHA256SUMS'), entries.map((entry) => `${entry.sha256}  ${entry.zip}\n`).join(''));
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify({ handlers: entries }, null, 2)}\n`);
  return { outDir, entries };
}

// Run as a script (npm run release): write <root>/dist from the zips the build wrote.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { outDir, entries } = await writeRelease();
  process.stdout.write(entries.map((entry) => `${entry.sha256}  ${entry.zip}  ${entry.size} bytes\n`).join(''));
  process.stdout.write(`wrote ${entries.length} zips, SHA256SUMS and manifest.json to ${outDir}\n`);
}

export { writeRelease };
export type { Release, ReleaseEntry, ReleaseOptions };
