import type { BenchResult } from './run-bench.js';

/** Targets from the issues: per rotation, per zip, and per warm process under Lambda's 128 MB flags. */
const TARGETS = { secretsManagerCalls: 11, singleUserConnections: 3, alternatingConnections: 4, zipKiB: 600, peakRssMiB: 90 };

/** Which targets a handler misses (empty when it meets them all). */
function missedTargets(result: BenchResult): string[] {
  const connectionLimit = result.handler.endsWith('single-user') ? TARGETS.singleUserConnections : TARGETS.alternatingConnections;
  const missed: string[] = [];
  if (result.rotation.secretsManagerCallsWarm > TARGETS.secretsManagerCalls) missed.push('calls');
  if (result.rotation.connections > connectionLimit) missed.push('connections');
  if (result.zipBytes / 1024 > TARGETS.zipKiB) missed.push('zip');
  if (result.rotation.peakRssKiB / 1024 > TARGETS.peakRssMiB) missed.push('RSS');
  return missed;
}

/** Whether a handler meets every target. */
function withinTargets(result: BenchResult): boolean {
  return missedTargets(result).length === 0;
}

/** Rows as a fixed-width table. */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The results as a fixed-width table, one handler a row. */
function formatBenchTable(results: readonly BenchResult[]): string {
  const header = ['handler', 'zip KiB', 'import ms', 'import CPU ms', 'init RSS MiB', 'peak RSS MiB', 'rotation ms', 'SM calls warm/cold', 'DB conns', 'targets'];
  const rows = results.map((result) => {
    const missed = missedTargets(result);
    return [
      result.handler,
      (result.zipBytes / 1024).toFixed(1),
      result.coldInit.medianImportMs.toFixed(0),
      result.coldInit.medianImportCpuMs.toFixed(0),
      (result.coldInit.medianMaxRssKiB / 1024).toFixed(1),
      (result.rotation.peakRssKiB / 1024).toFixed(1),
      result.rotation.medianWallMs.toFixed(0),
      `${result.rotation.secretsManagerCallsWarm}/${result.rotation.secretsManagerCallsCold}`,
      String(result.rotation.connections),
      missed.length === 0 ? 'met' : `missed: ${missed.join(', ')}`,
    ];
  });
  return formatTable(header, rows);
}

export { formatBenchTable, formatTable, missedTargets, TARGETS, withinTargets };
