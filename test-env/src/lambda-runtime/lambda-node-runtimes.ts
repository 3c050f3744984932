import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cacheDir } from '../cache-dir.js';
import { testEnvLog } from '../debug-log.js';
import { installOnce, onceUntilFailure } from '../install-once.js';
import { ensureDebianPackages } from '../system-packages.js';

const run = promisify(execFile);
const log = testEnvLog('lambda-runtime');

/** The Node.js majors Lambda offers (`nodejs22.x`, `nodejs24.x`): the ones every zip is proven on. */
const LAMBDA_NODE_MAJORS = [22, 24] as const;

/** A Node.js major Lambda offers. */
type LambdaNodeMajor = (typeof LAMBDA_NODE_MAJORS)[number];

/** What is installed: a Node binary per Lambda major and the runtime interface client. */
interface LambdaNodeRuntimes {
  /** Absolute path of the `node` binary of a Lambda major. */
  node(major: LambdaNodeMajor): string;
  /** The runtime interface client's entry point, what `/var/runtime/index.mjs` is on Lambda. */
  readonly ricEntry: string;
  /** Exact versions, as the lockfile pins them. */
  readonly versions: Readonly<Record<`node${LambdaNodeMajor}` | 'aws-lambda-ric', string>>;
}

/** Installs take two npm commands of a few minutes each on a loaded machine; a lock older than this is left over. */
const STALE_LOCK_MS = 25 * 60_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const MARKER = '.installed';

/** The committed manifest and lockfile (test-env/lambda-runtime), which pin every version and its integrity. */
const MANIFEST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lambda-runtime');

interface LockedPackage {
  readonly name?: string;
  readonly version: string;
}

function lockfile(): { text: string; packages: Record<string, LockedPackage> } {
  const text = readFileSync(join(MANIFEST_DIR, 'package-lock.json'), 'utf8');
  return { text, packages: (JSON.parse(text) as { packages: Record<string, LockedPackage> }).packages };
}

/** The npm alias of a major's build for this machine (`node22-linux-x64`); Lambda runs x86_64 and arm64. */
function nodePackage(major: LambdaNodeMajor): string {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) {
    throw new Error(`The Lambda Node runtimes are installed for Linux x64 and arm64 only, not ${process.platform} ${process.arch}`);
  }
  return `node${major}-linux-${process.arch}`;
}

/** `<cache>/lambda-runtime/<hash of the lockfile>`: a new lockfile installs beside the old one. */
function installDir(): string {
  const hash = createHash('sha256').update(lockfile().text).digest('hex').slice(0, 12);
  return join(cacheDir('lambda-runtime'), hash);
}

function runtimesIn(root: string): LambdaNodeRuntimes {
  const { packages } = lockfile();
  const version = (path: string) => packages[`node_modules/${path}`]?.version ?? 'unknown';
  return {
    node: (major) => join(root, 'node_modules', nodePackage(major), 'bin', 'node'),
    ricEntry: join(root, 'node_modules', 'aws-lambda-ric', 'index.mjs'),
    versions: {
      node22: version(nodePackage(22)),
      node24: version(nodePackage(24)),
      'aws-lambda-ric': version('aws-lambda-ric'),
    },
  };
}

/** Whether every binary is there and reports the pinned version, and the client's native addon was built. */
async function works(root: string): Promise<boolean> {
  if (!existsSync(join(root, MARKER))) return false;
  const runtimes = runtimesIn(root);
  if (!existsSync(join(dirname(runtimes.ricEntry), 'rapid-client.node'))) return false;
  for (const major of LAMBDA_NODE_MAJORS) {
    try {
      const { stdout } = await run(runtimes.node(major), ['--version'], { timeout: 30_000 });
      if (stdout.trim() !== `v${runtimes.versions[`node${major}`]}`) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function buildToolsPresent(): boolean {
  return ['cmake', 'make', 'g++', 'python3'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0);
}

/**
 * Installs the lockfile's packages into a fresh directory and renames it to `target` (a reader sees all or
 * nothing). The runtime interface client builds a native addon (curl and aws-lambda-cpp from its own
 * sources, then node-gyp) in its install scripts: they run with the Node 22 binary first on PATH and its own
 * headers as `nodedir`, so nothing is fetched besides the packages. The addon uses Node-API, so the one build
 * serves Node 24 too.
 */
async function install(target: string): Promise<void> {
  await ensureDebianPackages(['cmake', 'make', 'g++', 'python3'], buildToolsPresent);
  const work = await mkdtemp(join(cacheDir('lambda-runtime'), 'install-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) await copyFile(join(MANIFEST_DIR, file), join(work, file));
    log('installing the Lambda Node runtimes and aws-lambda-ric into %s', target);
    const npm = { cwd: work, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 << 20 };
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], npm);
    const node22 = join(work, 'node_modules', nodePackage(22));
    log('building the aws-lambda-ric native addon (a few minutes)');
    await run('npm', ['rebuild', 'aws-lambda-ric', '--foreground-scripts'], {
      ...npm,
      env: { ...process.env, PATH: `${join(node22, 'bin')}:${process.env.PATH ?? ''}`, npm_config_nodedir: node22 },
    });
    await writeFile(join(work, MARKER), `${new Date().toISOString()}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(work, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The Node.js builds of Lambda's nodejs22.x and nodejs24.x runtimes and the runtime interface client, from
 * the npm registry at the versions test-env/lambda-runtime's lockfile pins: the cached install when it works,
 * else installed once (parallel workers and processes share one install through a lock directory).
 */
const ensureLambdaNodeRuntimes: () => Promise<LambdaNodeRuntimes> = onceUntilFailure(async () => {
  const root = installDir();
  await installOnce({ lock: `${root}.lock`, staleAfterMs: STALE_LOCK_MS, ready: () => works(root), install: () => install(root) });
  return runtimesIn(root);
});

export { ensureLambdaNodeRuntimes, LAMBDA_NODE_MAJORS };
export type { LambdaNodeMajor, LambdaNodeRuntimes };
