import type { BenchResult } from './run-bench.js';

/** Targets from the issues: per rotation and per zip. */
const TARGETS = { secretsManagerCalls: 11, singleUserConnections: 3, alternatingConnections: 4, zipKiB: 600 };

function withinTargets(result: BenchResult): boolean {
  const connectionLimit = result.handler.endsWith('single-user') ? TARGETS.singleUserConnections : TARGETS.alternatingConnections;
  return (
    result.rotation.secretsManagerCallsWarm <= TARGETS.secretsManagerCalls &&
    result.rotation.connections <= connectionLimit &&
    result.zipBytes / 1024 <= TARGETS.zipKiB
  );
}

/** The results as a fixed-width table, one handler a row. */
function formatBenchTable(results: readonly BenchResult[]): string {
  const header = ['handler', 'zip KiB', 'init ms', 'process ms', 'RSS MiB', 'rotation ms', 'SM calls warm/cold', 'DB conns', 'targets'];
  const rows = results.map((result) => [
    result.handler,
    (result.zipBytes / 1024).toFixed(1),
    result.coldInit.medianImportMs.toFixed(0),
    result.coldInit.medianProcessMs.toFixed(0),
    (result.coldInit.medianMaxRssKiB / 1024).toFixed(1),
    result.rotation.medianWallMs.toFixed(0),
    `${result.rotation.secretsManagerCallsWarm}/${result.rotation.secretsManagerCallsCold}`,
    String(result.rotation.connections),
    withinTargets(result) ? 'met' : 'MISSED',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export { formatBenchTable, TARGETS, withinTargets };
