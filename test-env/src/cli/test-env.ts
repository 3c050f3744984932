import { parseArgs } from 'node:util';
import { ensureCfnLint } from '../cfn-lint.js';
import { ENGINE_TARGETS, selectedEngines } from '../engine-targets.js';
import { ensureLambdaNodeRuntimes } from '../lambda-runtime/lambda-node-runtimes.js';
import { ensureRuntimeInterfaceEmulator } from '../lambda-runtime/runtime-interface-emulator.js';
import { runOnNode } from './on-node.js';

// Usage: rotation-test-env prepare [--engines a,b]
// Installs and caches what each engine's test server needs (Debian packages, FerretDB, template data
// directories) by starting and stopping one server of each, cfn-lint for the template tests, and the Lambda
// Node runtimes with the Runtime Interface Emulator: CI runs it once before the tests so parallel test workers
// never race to install.
// Usage: rotation-test-env on-node <22|24> <command> [args...] (see on-node.ts)
if (process.argv[2] === 'on-node') process.exit(await runOnNode(process.argv.slice(3)));
const { positionals, values } = parseArgs({ allowPositionals: true, options: { engines: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help || positionals[0] !== 'prepare') {
  console.log('rotation-test-env prepare [--engines postgres,...]: install and cache the test servers');
  process.exit(values.help ? 0 : 2);
}
// Built alongside the servers: the runtime interface client's native build is CPU work, server set-up mostly I/O.
const runtimeStarted = performance.now();
const lambdaRuntime = Promise.all([ensureLambdaNodeRuntimes(), ensureRuntimeInterfaceEmulator()]);
lambdaRuntime.catch(() => undefined);
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
const [runtimes, emulator] = await lambdaRuntime;
const { versions } = runtimes;
console.log(
  `Lambda runtimes: node ${versions.node22} and ${versions.node24}, aws-lambda-ric ${versions['aws-lambda-ric']}, ${emulator} (${Math.round(performance.now() - runtimeStarted)} ms)`,
);
