import { describe, expect, it } from 'vitest';
import { formatMatrixSummary } from '../../src/matrix/matrix-summary.js';
import { selectedServers } from '../../src/matrix/server-selection.js';
import { defaultServer, SERVER_MATRIX, serverUrl } from '../../src/server-versions.js';

const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);

describe('server matrix', () => {
  it('starts each engine with its native row, the default the demo and the benchmark use', () => {
    for (const engine of ['postgres', 'mysql', 'documentdb', 'elasticache'] as const) {
      expect(defaultServer(engine).origin).toBe('native');
    }
    expect(new Set(ids(SERVER_MATRIX)).size).toBe(SERVER_MATRIX.length);
  });

  it('selects every row of an engine by default, and rows by id or by origin with ROTATION_TEST_SERVERS', () => {
    expect(ids(selectedServers('postgres', undefined, {}))).toEqual(['postgres-15', 'postgres-17']);
    expect(ids(selectedServers('elasticache', undefined, { ROTATION_TEST_SERVERS: 'all' }))).toEqual(['redis-7.0', 'valkey-8', 'valkey-9', 'redis-8']);
    expect(ids(selectedServers('elasticache', undefined, { ROTATION_TEST_SERVERS: ' valkey-9 ,postgres-17' }))).toEqual(['valkey-9']);
    expect(ids(selectedServers('mysql', undefined, { ROTATION_TEST_SERVERS: 'native' }))).toEqual(['mariadb-10.11']);
    expect(ids(selectedServers('mysql', undefined, { ROTATION_TEST_SERVERS: 'containers' }))).toEqual(['mariadb-11.8', 'mysql-9.7', 'mysql-8.4']);
    expect(ids(selectedServers('mysql', ['mysql'], {}))).toEqual(['mysql-9.7', 'mysql-8.4']);
    expect(selectedServers('documentdb', undefined, { ROTATION_TEST_SERVERS: 'postgres-17' })).toEqual([]);
  });

  it('points only the matching row at a ROTATION_TEST_*_URL server', () => {
    const row = (id: string) => SERVER_MATRIX.find((spec) => spec.id === id) ?? SERVER_MATRIX[0];
    const env = { ROTATION_TEST_POSTGRES_URL: 'postgres://u:p@db:5432/postgres', ROTATION_TEST_DOCUMENTDB_URL: 'mongodb://u:p@m:27017/' };
    expect(serverUrl(row('postgres-15'), env)).toBe(env.ROTATION_TEST_POSTGRES_URL);
    expect(serverUrl(row('postgres-17'), env)).toBeUndefined();
    expect(serverUrl(row('mongo-7'), env)).toBe(env.ROTATION_TEST_DOCUMENTDB_URL);
    expect(serverUrl(row('ferretdb-1.24'), env)).toBeUndefined();
    expect(serverUrl(row('ferretdb-1.24'), { ...env, ROTATION_TEST_DOCUMENTDB_KIND: 'ferretdb' })).toBe(env.ROTATION_TEST_DOCUMENTDB_URL);
  });

  it('sums each server over packages in the summary, marks failures, and says why a row was skipped', () => {
    const summary = formatMatrixSummary([
      { server: 'valkey-9', package: 'elasticache', node: '20', passed: 120, failed: 1, skipped: 0, ms: 95_000, skipReasons: [] },
      { server: 'postgres-17', package: 'postgres', node: '20', passed: 109, failed: 0, skipped: 0, ms: 61_000, skipReasons: [] },
      { server: 'postgres-17', package: 'cli', node: '20', passed: 3, failed: 0, skipped: 0, ms: 4_000, skipReasons: [] },
      { server: 'mongo-7', package: 'documentdb', node: '20', passed: 0, failed: 0, skipped: 5, ms: 0, skipReasons: ['runs on MongoDB 7 in a container; skipped: no image'] },
      { server: 'postgres-15', package: 'postgres', node: '24', passed: 109, failed: 0, skipped: 0, ms: 50_000, skipReasons: [] },
    ]);

    const [node20, node24] = summary.split('Server matrix on Node 24');
    expect(node20).toMatch(/^Server matrix on Node 20/);
    expect(node20).not.toContain('PostgreSQL 15');
    expect(node24).toMatch(/✓ PostgreSQL 15 \(native\)\s+109/);
    const lines = (node20 ?? '').split('\n');
    expect(lines.find((line) => line.includes('PostgreSQL 17'))).toMatch(/✓ PostgreSQL 17 \(container\)\s+112\s+0\s+0\s+1m05s\s+cli, postgres/);
    expect(lines.find((line) => line.includes('Valkey 9'))).toMatch(/✗ Valkey 9/);
    expect(lines.findIndex((line) => line.includes('PostgreSQL 17'))).toBeLessThan(lines.findIndex((line) => line.includes('Valkey 9')));
    expect(summary).toContain('MongoDB 7: no image');
  });
});
