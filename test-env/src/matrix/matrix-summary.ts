import { SERVER_MATRIX } from '../server-versions.js';
import type { ServerRunResult } from './matrix-results.js';

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/**
 * The per-server summary CI prints at the end: for every row in matrix order, the tests passed, failed and
 * skipped over all packages, the row's wall time, and why a skipped row did not run.
 */
function formatMatrixSummary(results: readonly ServerRunResult[]): string {
  const lines = ['Server matrix (every package\'s integration tests, per server)', ''];
  lines.push(`  ${'server'.padEnd(28)} ${'passed'.padStart(6)} ${'failed'.padStart(6)} ${'skipped'.padStart(7)} ${'time'.padStart(7)}  packages`);
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
  return lines.join('\n');
}

export { formatMatrixSummary };
