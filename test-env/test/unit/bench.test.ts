import { describe, expect, it } from 'vitest';
import { formatFailures, missedTargets } from '../../src/bench/bench-table.js';
import type { BenchResult } from '../../src/bench/run-bench.js';
import { maximum, median, percentile } from '../../src/bench/statistics.js';

describe('benchmark helpers', () => {
  it('takes medians, nearest-rank percentiles and maxima, NaN for no values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95)).toBe(100);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 50)).toBe(50);
    expect(maximum([2, 9, 4])).toBe(9);
    expect([median([]), percentile([], 95), maximum([])].every(Number.isNaN)).toBe(true);
  });

  it('lists failures by count, most first', () => {
    expect(formatFailures({ 'testSecret ENGINE_BUSY': 295, 'setSecret ENGINE_BUSY': 574 })).toBe('setSecret ENGINE_BUSY 574, testSecret ENGINE_BUSY 295');
    expect(formatFailures({})).toBe('none');
  });

  it('names each target a handler misses', () => {
    const result: BenchResult = {
      handler: 'mysql-alternating-users',
      zipBytes: 700 * 1024,
      coldInit: { runs: 1, medianImportMs: 100, medianImportCpuMs: 100, medianProcessMs: 150, medianMaxRssKiB: 60 * 1024 },
      python: { template: 'T', medianImportMs: 300, medianImportCpuMs: 150, medianMaxRssKiB: 35 * 1024, importCpuRatio: 100 / 150 },
      rotation: { runs: 1, medianWallMs: 20, peakRssKiB: 95 * 1024, secretsManagerCallsWarm: 9, secretsManagerCallsCold: 12, connections: 5 },
    };

    expect(missedTargets(result)).toEqual(['connections', 'zip', 'RSS', 'import']);
    expect(missedTargets({ ...result, zipBytes: 1024, python: undefined, rotation: { ...result.rotation, peakRssKiB: 1024, connections: 3 } })).toEqual([]);
  });
});
