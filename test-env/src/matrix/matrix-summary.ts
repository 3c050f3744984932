import { SERVER_MATRIX } from '../server-versions.js';
import type { ServerRunResult } from './matrix-results.js';

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** One table: every row in matrix order with its results summed over packages, and why skipped rows did not run. */
function formatTable(results: readonly ServerRunResult[]): string[] {
  const lines = [`  ${'server'.padEnd(28)} ${'passed'.padStart(6)} ${'failed'.padStart(6)} ${'skipped'.padStart(7)} ${'time'.padStart(7)}  packages`];
  const reasons = new Set<string>();
  for (const spec of SERVER_MATRIX) {
    const rows = results.filter((row) => row.server === spec.id);
    if (rows.length === 0) continue;
    const sum = (pick: (row: ServerRunResult) => number) => rows.reduce((total, row) => total + pick(row), 0);
    const failed = sum((row) => row.failed);
    const mark = failed > 0 ? '✗' : sum((row) => row.passed) > 0 ? '✓' : '-';
    const name = `${mark} ${spec.label} (${spec.origin})`;
    lines.push(
      `  ${name.padEnd(28)} ${String(sum((row) => row.passed)).padStart(6)} ${String(failed).padStart(6)} ${String(sum((row) => row.skipped)).padStart(7)} ${duration(sum((row) => row.ms)).padStart(7)}  ${rows.map((row) => row.package).sort().join(', ')}`,
    );
    for (const reason of rows.flatMap((row) => row.skipReasons)) reasons.add(`${spec.label}: ${reason.replace(/^.*skipped: /, '')}`);
  }
  if (reasons.size > 0) lines.push('', '  Skipped rows:', ...[...reasons].map((reason) => `    ${reason}`));
  return lines;
}

/**
 * The per-server summary CI prints at the end, one table per Node major the tests ran on: for every row in
 * matrix order, the tests passed, failed and skipped over all packages, the row's wall time, and why a
 * skipped row did not run.
 */
function formatMatrixSummary(results: readonly ServerRunResult[]): string {
  const majors = [...new Set(results.map((row) => row.node))].sort((a, b) => Number(a) - Number(b));
  return majors
    .flatMap((node) => [`Server matrix on Node ${node} (every package's integration tests, per server)`, '', ...formatTable(results.filter((row) => row.node === node)), ''])
    .join('\n')
    .trimEnd();
}

export { formatMatrixSummary };
