import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';

/** The slice of yauzl 3's promise API used here (its own package ships no types; @types/yauzl is for 2.x). */
interface ZipEntry {
  readonly fileName: string;
}
interface PromiseZipFile {
  eachEntry(): AsyncIterable<ZipEntry>;
  openReadStreamPromise(entry: ZipEntry): Promise<AsyncIterable<Buffer>>;
  close(): void;
}
const openZip = (path: string): Promise<PromiseZipFile> =>
  (yauzl as unknown as { openPromise(path: string): Promise<PromiseZipFile> }).openPromise(path);

/** A built handler zip: `packages/<engine>/dist/<engine>-<strategy>.zip`. */
interface HandlerZip {
  readonly engine: string;
  readonly strategy: 'single-user' | 'alternating-users';
  readonly name: string;
  readonly file: string;
}

/** The monorepo root: the nearest directory above this module whose package.json declares workspaces. */
function repositoryRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return dir;
  }
  throw new Error('repository root not found');
}

/** Every handler zip the build produced, found by name in each package's dist folder. */
function findHandlerZips(root = repositoryRoot()): HandlerZip[] {
  const zips: HandlerZip[] = [];
  for (const engine of readdirSync(join(root, 'packages')).sort()) {
    const dist = join(root, 'packages', engine, 'dist');
    for (const strategy of ['single-user', 'alternating-users'] as const) {
      const file = join(dist, `${engine}-${strategy}.zip`);
      if (existsSync(file)) zips.push({ engine, strategy, name: `${engine}-${strategy}`, file });
    }
  }
  return zips;
}

/** Unpacks a zip into a fresh temporary directory, as Lambda unpacks a deployment package; returns the directory. */
async function extractZip(zipFile: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'rotation-zip-'));
  const zip = await openZip(zipFile);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entry.fileName.includes('..')) throw new Error(`unsafe zip entry ${entry.fileName}`);
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk);
      const path = join(target, entry.fileName);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return target;
}

export { extractZip, findHandlerZips, repositoryRoot };
export type { HandlerZip };
