import { basename } from 'node:path';
import type { Reporter, TestModule, TestSuite, Vitest } from 'vitest/node';
import { type ServerRunResult, writeMatrixResults } from './matrix-results.js';

const NODE_MAJOR = process.versions.node.split('.')[0] ?? '';

/** The row a suite was described for, when it is the outermost suite marked with one. */
function rowOf(suite: TestSuite): string | undefined {
  const server = suite.meta().server;
  if (server === undefined) return undefined;
  return suite.parent.type === 'module' || suite.parent.meta().server === undefined ? server : undefined;
}

/** Adds one row suite's tests and wall time to `row`. */
function count(row: ServerRunResult, suite: TestSuite): void {
  for (const test of suite.children.allTests()) {
    const state = test.result().state;
    if (state === 'passed') row.passed += 1;
    else if (state === 'failed') row.failed += 1;
    else {
      row.skipped += 1;
      if (test.name.includes('skipped:')) row.skipReasons.push(test.name);
    }
  }
  const { serverStartedAt, serverEndedAt } = suite.meta();
  if (serverStartedAt !== undefined && serverEndedAt !== undefined) row.ms += serverEndedAt - serverStartedAt;
}

/**
 * A vitest reporter that counts, per server-matrix row (see describeEachServer), the tests passed, failed and
 * skipped and the row's wall time, and writes them to `server-matrix-results/<package>-node<major>.json` for the summary
 * CI prints at the end (`rotation-test-env summary`).
 */
class ServerMatrixReporter implements Reporter {
  #packageName = 'unknown';

  onInit(vitest: Vitest): void {
    this.#packageName = basename(vitest.config.root);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = new Map<string, ServerRunResult>();
    const suites = testModules.flatMap((module) => [...module.children.allSuites()]);
    for (const suite of suites) {
      const server = rowOf(suite);
      if (server === undefined) continue;
      const row = rows.get(server) ?? { server, package: this.#packageName, node: NODE_MAJOR, passed: 0, failed: 0, skipped: 0, ms: 0, skipReasons: [] };
      rows.set(server, row);
      count(row, suite);
    }
    if (rows.size > 0) writeMatrixResults(this.#packageName, NODE_MAJOR, [...rows.values()]);
  }
}

export { ServerMatrixReporter };
