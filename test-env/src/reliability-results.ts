import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './handler-zips.js';
import { currentServer } from './matrix/current-server.js';
import { defaultServer } from './server-versions.js';

/** One crash point: a side effect after which the rotation was interrupted, and whether the retry converged. */
interface CrashRow {
  readonly handler: string;
  readonly point: string;
  readonly failedStep: string | undefined;
  readonly crashed: boolean;
  readonly converged: boolean;
  readonly detail: string;
}

/** One injected fault: the error it produced, how long that took, and whether a retry finished the job. */
interface FaultRow {
  readonly handler: string;
  readonly fault: string;
  readonly code: string;
  readonly ms: number;
  readonly unchanged: boolean;
  readonly recovered: boolean;
}

/** One hostile or bad input: the error it produced and whether the secret and the database stayed as they were. */
interface CatalogueRow {
  readonly handler: string;
  readonly input: string;
  readonly code: string;
  readonly field: string | undefined;
  readonly unchanged: boolean;
}

/** Directory the reliability suite writes its tables to, for `npm run test:reliability` to print. */
function reliabilityResultsDir(): string {
  const dir = join(repositoryRoot(), 'reliability-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes one table of results as `reliability-results/<name>.json`. Run against a server-matrix row other
 * than its engine's default, the file and each row's handler are suffixed `@<row>` (`mysql-single-user@mysql-9.7`).
 */
function writeReliabilityResults(name: string, kind: 'crash' | 'faults' | 'catalogue', rows: readonly (CrashRow | FaultRow | CatalogueRow)[]): void {
  const server = currentServer();
  const suffix = server === undefined || server.id === defaultServer(server.engine).id ? '' : `@${server.id}`;
  const named = rows.map((row) => ({ ...row, handler: `${row.handler}${suffix}` }));
  const body = `${JSON.stringify({ kind, date: new Date().toISOString(), rows: named }, null, 2)}\n`;
  writeFileSync(join(reliabilityResultsDir(), `${name}${suffix}.json`), body);
}

export { reliabilityResultsDir, writeReliabilityResults };
export type { CatalogueRow, CrashRow, FaultRow };
