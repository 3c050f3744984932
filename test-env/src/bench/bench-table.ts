import type { BenchResult } from './run-bench.js';
import type { ScaleResult } from './scale.js';

/** Targets from the issues: per rotation, per zip, and per warm process under Lambda's 128 MB flags. */
const TARGETS = { secretsManagerCalls: 11, singleUserConnections: 3, alternatingConnections: 4, zipKiB: 600, peakRssMiB: 90, importCpuVsPython: 0.5 };

/** Which targets a handler misses (empty when it meets them all). */
function missedTargets(result: BenchResult): string[] {
  const connectionLimit = result.handler.endsWith('single-user') ? TARGETS.singleUserConnections : TARGETS.alternatingConnections;
  const missed: string[] = [];
  if (result.rotation.secretsManagerCallsWarm > TARGETS.secretsManagerCalls) missed.push('calls');
  if (result.rotation.connections > connectionLimit) missed.push('connections');
  if (result.zipBytes / 1024 > TARGETS.zipKiB) missed.push('zip');
  if (result.rotation.peakRssKiB / 1024 > TARGETS.peakRssMiB) missed.push('RSS');
  if (result.python !== undefined && result.python.importCpuRatio > TARGETS.importCpuVsPython) missed.push('import');
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
  const header = ['handler', 'zip KiB', 'import ms', 'import CPU ms', 'Python CPU ms', 'ratio', 'init RSS MiB', 'peak RSS MiB', 'rotation ms', 'SM calls warm/cold', 'DB conns', 'targets'];
  const rows = results.map((result) => {
    const missed = missedTargets(result);
    return [
      result.handler,
      (result.zipBytes / 1024).toFixed(1),
      result.coldInit.medianImportMs.toFixed(0),
      result.coldInit.medianImportCpuMs.toFixed(0),
      result.python?.medianImportCpuMs.toFixed(0) ?? '-',
      result.python?.importCpuRatio.toFixed(2) ?? '-',
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

/** "setSecret ENGINE_BUSY 574, testSecret ENGINE_BUSY 295", or "none". */
function formatFailures(failed: Readonly<Record<string, number>>): string {
  const entries = Object.entries(failed).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} ${count}`).join(', ');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const orDash = (value: number | null) => (value === null ? '-' : String(value));

/** The scale runs as a fixed-width table, one run a row. */
function formatScaleTable(results: readonly ScaleResult[]): string {
  const header = ['handler', 'N', 'connection limit', 'completed', 'failed', 'wall s', 'p95 s', 'peak conns proxy/server', 'left open', 'in progress', 'retry completed'];
  const rows = results.map((result) => [
    result.handler,
    String(result.rotations),
    result.connectionLimit === null ? 'none' : `${result.connectionLimit.setting} ${result.connectionLimit.value}`,
    String(result.completed),
    formatFailures(result.failed),
    seconds(result.wallMs),
    seconds(result.rotationMs.p95),
    `${result.peakConnections.proxy}/${orDash(result.peakConnections.server)}`,
    `${result.leftOpen.proxy}/${orDash(result.leftOpen.server)}`,
    String(result.leftInProgress),
    `${result.retry.completed}/${result.retry.rotations}`,
  ]);
  return formatTable(header, rows);
}

export { formatBenchTable, formatFailures, formatScaleTable, formatTable, missedTargets, TARGETS, withinTargets };
