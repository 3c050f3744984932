import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixEngine, ServerProduct, ServerSpec } from '../server-versions.js';
import { setCurrentServer } from './current-server.js';
import { selectedServers, serverAvailability } from './server-selection.js';

declare module 'vitest' {
  interface TaskMeta {
    /** The server-matrix row a suite runs against (`postgres-17`), for the per-server summary. */
    server?: string;
    /** When the row's suite started and ended (its servers' starts and stops included). */
    serverStartedAt?: number;
    serverEndedAt?: number;
  }
}

/** Which rows of an engine a test file runs on (every row by default; products narrow it, e.g. MySQL only). */
interface EachServerOptions {
  readonly products?: readonly ServerProduct[];
}

/**
 * Describes `body` once per server-matrix row of `engine` that ROTATION_TEST_SERVERS selects, each inside a
 * suite named after the server (`PostgreSQL 17 (container)`) and marked with its row for the summary. A
 * row that cannot run here gets one skipped test saying why (no container runtime, no image without a
 * registry); native rows never skip. Call it with `await` at the top of a test file.
 */
async function describeEachServer(engine: MatrixEngine, body: (spec: ServerSpec) => void, options: EachServerOptions = {}): Promise<void> {
  const rows = selectedServers(engine, options.products);
  if (rows.length === 0) {
    const selection = process.env.ROTATION_TEST_SERVERS ?? '';
    describe(`${engine} servers`, () => {
      it.skipIf(true)(`runs on the ${engine} rows of the server matrix; ROTATION_TEST_SERVERS=${selection} selects none of them`, () => {
        expect(rows.length).toBeGreaterThan(0);
      });
    });
    return;
  }
  for (const spec of rows) {
    const availability = await serverAvailability(spec);
    const row = describe(`${spec.label} (${spec.origin})`, { meta: { server: spec.id } }, () => {
      // The row's wall time, its servers' starts and stops included: the outermost hooks run first and last.
      beforeAll(() => {
        if (row.suite !== undefined) row.suite.meta.serverStartedAt = Date.now();
        setCurrentServer(spec);
      });
      afterAll(() => {
        if (row.suite !== undefined) row.suite.meta.serverEndedAt = Date.now();
        setCurrentServer(undefined);
      });
      if (availability.available) {
        body(spec);
        return;
      }
      it.skipIf(!availability.available)(`runs on ${spec.label} in a container; skipped: ${availability.available ? '' : availability.reason}`, () => {
        expect(availability.available).toBe(true);
      });
    });
  }
}

export { describeEachServer };
export type { EachServerOptions };
