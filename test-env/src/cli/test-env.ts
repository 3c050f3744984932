import { parseArgs } from 'node:util';
import { ensureCfnLint } from '../cfn-lint.js';
import { ENGINE_TARGETS, selectedEngines } from '../engine-targets.js';

// Usage: rotation-test-env prepare [--engines a,b]
// Installs and caches what each engine's test server needs (Debian packages, FerretDB, template data
// directories) by starting and stopping one server of each, and cfn-lint for the template tests: CI runs it
// once before the tests so parallel test workers never race to install.
const { positionals, values } = parseArgs({ allowPositionals: true, options: { engines: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help || positionals[0] !== 'prepare') {
  console.log('rotation-test-env prepare [--engines postgres,...]: install and cache the test servers');
  process.exit(values.help ? 0 : 2);
}
const engines = values.engines === undefined ? selectedEngines() : values.engines.split(',').map((engine) => engine.trim());
for (const engine of engines) {
  const start = ENGINE_TARGETS[engine];
  if (start === undefined) throw new Error(`unknown engine ${engine}`);
  const started = performance.now();
  const target = await start();
  await target.stop();
  console.log(`${engine}: server ready (${Math.round(performance.now() - started)} ms)`);
}
const lintStarted = performance.now();
console.log(`cfn-lint: ${await ensureCfnLint()} (${Math.round(performance.now() - lintStarted)} ms)`);
