import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findHandlerZips } from '../handler-zips.js';
import { reliabilityResultsDir } from '../reliability-results.js';
import type { CatalogueRow, CrashRow, FaultRow } from '../reliability-results.js';

// Prints the tables the reliability suite wrote (reliability-results/*.json): the crash-point matrix per
// handler, the fault table, and the hostile-input catalogue result. Exits non-zero on any miss.
type Table = { kind: 'crash'; rows: CrashRow[] } | { kind: 'faults'; rows: FaultRow[] } | { kind: 'catalogue'; rows: CatalogueRow[] };

const dir = reliabilityResultsDir();
const files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
const tables = files.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Table);

// Every database handler the build produced must have its tables: a missing one is a miss, not a pass.
// (The generic starter rotates an HTTP API, which has no database protocol to crash.)
const expected = findHandlerZips()
  .filter((zip) => zip.engine !== 'generic')
  .flatMap((zip) => [`${zip.name}-crash.json`, `${zip.name}-faults.json`, `${zip.engine}-catalogue.json`]);
const missing = [...new Set(expected)].filter((file) => !files.includes(file));
if (tables.length === 0) {
  console.error(`no results in ${dir}: run the reliability tests first`);
  process.exit(2);
}
let misses = 0;
const mark = (ok: boolean) => {
  if (!ok) misses += 1;
  return ok ? '✓' : '✗';
};

console.log('Crash-point matrix (interrupted right after the side effect, then retried by the service)');
for (const table of tables) {
  if (table.kind !== 'crash') continue;
  console.log(`\n  ${table.rows[0]?.handler ?? '?'}`);
  for (const row of table.rows) {
    console.log(`    ${mark(row.converged)} ${row.point.padEnd(36)} failed in ${String(row.failedStep ?? '-').padEnd(13)} ${row.converged ? 'converged' : row.detail}`);
  }
}

console.log('\nFaults (typed error, time to fail, state unchanged or finished by the retry)');
for (const table of tables) {
  if (table.kind !== 'faults') continue;
  console.log(`\n  ${table.rows[0]?.handler ?? '?'}`);
  for (const row of table.rows) {
    const ok = row.unchanged || row.recovered;
    console.log(`    ${mark(ok)} ${row.fault.padEnd(28)} ${row.code.padEnd(20)} ${String(row.ms).padStart(6)} ms  ${row.unchanged ? 'unchanged' : 'changed'}, ${row.recovered ? 'retry converged' : 'not retryable'}`);
  }
}

console.log('\nHostile-input catalogue (typed error naming the field or rule; secret and database checked unchanged)');
for (const table of tables) {
  if (table.kind !== 'catalogue') continue;
  const byHandler = new Map<string, CatalogueRow[]>();
  for (const row of table.rows) byHandler.set(row.handler, [...(byHandler.get(row.handler) ?? []), row]);
  for (const [handler, rows] of byHandler) {
    const failing = rows.filter((row) => !row.unchanged);
    console.log(`  ${mark(failing.length === 0)} ${handler.padEnd(32)} ${rows.length} cases, ${rows.length - failing.length} left everything unchanged`);
    for (const row of failing) console.log(`      ✗ ${row.input}: ${row.code}`);
  }
}
for (const file of missing) {
  misses += 1;
  console.log(`✗ no results: ${file}`);
}
console.log(misses === 0 ? '\nAll converged.' : `\n${misses} miss(es).`);
process.exit(misses === 0 ? 0 : 1);
