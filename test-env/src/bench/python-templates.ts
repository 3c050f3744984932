import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../cache-dir.js';
import { testEnvLog } from '../debug-log.js';
import { repositoryRoot } from '../handler-zips.js';
import { installOnce } from '../install-once.js';
import { ensureDebianPackages } from '../system-packages.js';

const run = promisify(execFile);
const log = testEnvLog('python-templates');

/** The AWS Python template each handler replaces (test-env/reference/aws-python-templates). */
const PYTHON_TEMPLATES: Readonly<Record<string, string>> = {
  'postgres-single-user': 'SecretsManagerRDSPostgreSQLRotationSingleUser',
  'postgres-alternating-users': 'SecretsManagerRDSPostgreSQLRotationMultiUser',
  'mysql-single-user': 'SecretsManagerRDSMySQLRotationSingleUser',
  'mysql-alternating-users': 'SecretsManagerRDSMySQLRotationMultiUser',
  'documentdb-single-user': 'SecretsManagerMongoDBRotationSingleUser',
  'documentdb-alternating-users': 'SecretsManagerMongoDBRotationMultiUser',
  'elasticache-single-user': 'SecretsManagerElasticacheUserRotation',
  'elasticache-alternating-users': 'SecretsManagerElasticacheUserRotation',
  'generic-single-user': 'SecretsManagerRotationTemplate',
};

/** One import of a template module in a fresh interpreter. */
interface PythonImport {
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly maxRssKiB: number;
}

// Runs in the interpreter: import the template (module scope = Lambda init) and report, as the Node probe does.
const PROBE = `
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
cpu, wall = time.process_time(), time.perf_counter()
import lambda_function
print(json.dumps({"importMs": (time.perf_counter() - wall) * 1000, "importCpuMs": (time.process_time() - cpu) * 1000,
                  "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

function templatesDir(): string {
  return join(repositoryRoot(), 'test-env', 'reference', 'aws-python-templates');
}

/** The virtualenv, named by a hash of the pinned requirements so a changed pin gets a fresh one. */
function venvDir(): string {
  const requirements = readFileSync(join(templatesDir(), 'requirements.txt'));
  return join(cacheDir(), `python-templates-${createHash('sha256').update(requirements).digest('hex').slice(0, 12)}`);
}

async function importsAll(python: string): Promise<boolean> {
  if (!existsSync(python)) return false;
  try {
    await run(python, ['-c', 'import boto3, pymysql, pymongo, pg, pgdb'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

function buildToolsPresent(): boolean {
  const ok = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  const headers = "import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h'))";
  return ok('python3', ['-c', `import ensurepip, venv; ${headers}`]) && ok('pg_config', ['--version']) && ok('gcc', ['--version']);
}

/** Creates the virtualenv and installs the pinned requirements from PyPI (PyGreSQL compiles against libpq). */
async function install(target: string): Promise<void> {
  await ensureDebianPackages(['python3-venv', 'python3-dev', 'libpq-dev', 'gcc'], buildToolsPresent);
  await rm(target, { recursive: true, force: true });
  log('creating virtualenv %s', target);
  await run('python3', ['-m', 'venv', target], { timeout: 10 * 60_000 });
  await run(join(target, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', join(templatesDir(), 'requirements.txt')], {
    timeout: 20 * 60_000,
    maxBuffer: 64 << 20,
  });
}

let ensured: Promise<string> | undefined;

/**
 * The Python interpreter of a virtualenv holding what the templates import, installed once into the cache
 * directory. Throws when python3, PyPI or a compiler is not available; the benchmark then says so.
 */
function ensurePythonTemplates(): Promise<string> {
  ensured ??= (async () => {
    const target = venvDir();
    const python = join(target, 'bin', 'python');
    await installOnce({ lock: `${target}.lock`, staleAfterMs: 40 * 60_000, ready: () => importsAll(python), install: () => install(target) });
    return python;
  })();
  ensured.catch(() => {
    ensured = undefined;
  });
  return ensured;
}

/** Imports the template a handler replaces in a fresh interpreter; undefined for a handler without one. */
async function measurePythonImport(python: string, handler: string): Promise<PythonImport | undefined> {
  const template = PYTHON_TEMPLATES[handler];
  if (template === undefined) return undefined;
  const { stdout } = await run(python, ['-c', PROBE, join(templatesDir(), template)], {
    // Compiled files go to the cache, not beside the templates in the repository.
    env: { PATH: process.env.PATH, AWS_DEFAULT_REGION: 'us-east-1', PYTHONPYCACHEPREFIX: cacheDir('python-templates-pycache') },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as PythonImport;
}

export { ensurePythonTemplates, measurePythonImport, PYTHON_TEMPLATES };
export type { PythonImport };
