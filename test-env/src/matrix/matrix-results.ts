import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../handler-zips.js';

/** One server row's outcome in one package's test run. */
interface ServerRunResult {
  readonly server: string;
  readonly package: string;
  /** The Node major the tests ran on (`npm test` runs a Node 20 pass with the containers, then 22 and 24 natively). */
  readonly node: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Wall time of the row's suites, their servers' starts and stops included. */
  ms: number;
  /** Names of skipped tests that say why (a row that cannot run here). */
  readonly skipReasons: string[];
}

/** Where each package's run writes its per-server results: `server-matrix-results/<package>-node<major>.json`. */
function matrixResultsDir(): string {
  const dir = join(repositoryRoot(), 'server-matrix-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeMatrixResults(packageName: string, node: string, rows: readonly ServerRunResult[]): void {
  const file = join(matrixResultsDir(), `${packageName}-node${node}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
}

/** Every package's results, as written by the last run of each. */
function readMatrixResults(): ServerRunResult[] {
  const dir = matrixResultsDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { rows: ServerRunResult[] }).rows);
}

export { matrixResultsDir, readMatrixResults, writeMatrixResults };
export type { ServerRunResult };
