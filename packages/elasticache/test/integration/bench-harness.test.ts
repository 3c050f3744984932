import { type BenchResult, lambdaNodeOptions, runBench, runScale, startLocalSecretsManager } from '@rotation-lambdas/test-env';
import { describe, expect, it } from 'vitest';
import { elastiCacheFixture } from './elasticache-fixture.js';

// The benchmark's harnesses (`npm run bench`) on the cheapest real server, so they cannot rot between runs of
// the benchmark itself. What they measure is the benchmark's business; here they must count right.
describe('benchmark harness (elasticache)', () => {
  async function scale(rotations: number, maxConnections: number) {
    await using sm = await startLocalSecretsManager();
    return await runScale({
      engine: 'elasticache',
      strategy: 'single-user',
      rotations,
      maxConnections,
      handlerProcesses: 2,
      sm,
      // A short function timeout: core retries a busy server until the step's deadline.
      handler: { indexFile: elastiCacheFixture.bundles['single-user'], env: { SECRETS_MANAGER_ENDPOINT: sm.endpoint }, timeoutSeconds: 3 },
    });
  }

  it('counts every rotation as completed when the server has room, and leaves no connection open', async () => {
    const result = await scale(8, 1_000);

    expect(result).toMatchObject({ rotations: 8, completed: 8, failed: {}, leftInProgress: 0, leftOpen: { proxy: 0, server: 0 } });
    expect(result.connectionLimit).toEqual({ setting: 'maxclients', value: 1_000 });
    expect(result.peakConnections.proxy).toBeGreaterThanOrEqual(1);
    expect(result.retry).toEqual({ rotations: 0, completed: 0, failed: {} });
  });

  it('counts logins a full server turns away as setSecret ENGINE_BUSY, with the rotations left for the retry', async () => {
    // Prepare: maxclients 1 while the harness holds its own connections, so the server has no room at all:
    // core retries each login until the step's 3 s run out, then the step fails with the busy code.
    const result = await scale(6, 1);

    // Assess: each rotation stops at setSecret's first login, as the service would see it, and nothing stays open.
    expect(result).toMatchObject({ completed: 0, failed: { 'setSecret ENGINE_BUSY': 6 }, leftInProgress: 6, leftOpen: { proxy: 0, server: 0 } });
    expect(result.retry).toEqual({ rotations: 6, completed: 0, failed: { 'setSecret ENGINE_BUSY': 6 } });
  });

  it('measures zip size, import, peak memory, calls and connections of each built zip', async () => {
    const results: BenchResult[] = await runBench({ engines: ['elasticache'], coldStarts: 2, rotations: 3, nodeFlags: lambdaNodeOptions(128), progress: () => undefined });

    expect(results.map((result) => result.handler)).toEqual(['elasticache-single-user', 'elasticache-alternating-users']);
    for (const result of results) {
      expect(result.zipBytes).toBeGreaterThan(10_000);
      expect(result.coldInit).toMatchObject({ runs: 2 });
      expect(result.coldInit.medianImportCpuMs).toBeGreaterThan(0);
      expect(result.rotation.runs).toBe(3);
      expect(result.rotation.peakRssKiB).toBeGreaterThanOrEqual(result.coldInit.medianMaxRssKiB * 0.9);
      expect(result.rotation.secretsManagerCallsWarm).toBeGreaterThanOrEqual(8);
      expect(result.rotation.connections).toBeGreaterThanOrEqual(2);
    }
  });
});
