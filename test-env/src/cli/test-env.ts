import { parseArgs } from 'node:util';
import { ensureCfnLint } from '../cfn-lint.js';
import { sweepContainers } from '../containers/container-sweep.js';
import { stopPodmanService } from '../containers/podman-engine.js';
import { prepareContainers } from '../containers/prepare-containers.js';
import { ENGINE_TARGETS, selectedEngines } from '../engine-targets.js';
import { ensureLambdaNodeRuntimes } from '../lambda-runtime/lambda-node-runtimes.js';
import { ensureRuntimeInterfaceEmulator } from '../lambda-runtime/runtime-interface-emulator.js';
import { readMatrixResults } from '../matrix/matrix-results.js';
import { formatMatrixSummary } from '../matrix/matrix-summary.js';
import { selectedServers } from '../matrix/server-selection.js';
import type { MatrixEngine } from '../server-versions.js';
import { runOnNode } from './on-node.js';

// Usage:
//   rotation-test-env prepare [--engines a,b]   install and cache the native servers, the project's podman and the
//                                               container images (ROTATION_TEST_SERVERS selects rows), cfn-lint, and
//                                               the Lambda Node runtimes with the Runtime Interface Emulator
//   rotation-test-env stop                      remove every container test-env started, stop the project's podman
//   rotation-test-env summary                   print the per-server results of the last test runs
//   rotation-test-env on-node <22|24> <command> [args...] (see on-node.ts)
// CI runs `prepare` once before the tests, so parallel test workers never race to install, and `summary` and
// `stop` at the end, whatever the outcome.
if (process.argv[2] === 'on-node') process.exit(await runOnNode(process.argv.slice(3)));
const { positionals, values } = parseArgs({ allowPositionals: true, options: { engines: { type: 'string' }, help: { type: 'boolean' } } });
const command = positionals[0];
if (values.help || (command !== 'prepare' && command !== 'stop' && command !== 'summary')) {
  console.log('rotation-test-env prepare [--engines postgres,...] | stop | summary | on-node <22|24> <command>');
  process.exit(values.help ? 0 : 2);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function prepareNative(engines: readonly string[]): Promise<void> {
  for (const engine of engines) {
    const start = ENGINE_TARGETS[engine];
    if (start === undefined) throw new Error(`unknown engine ${engine}`);
    const started = performance.now();
    const target = await start();
    await target.stop();
    console.log(`${engine}: native server ready (${Math.round(performance.now() - started)} ms)`);
  }
}

async function prepareContainerRows(engines: readonly string[]): Promise<void> {
  const started = performance.now();
  const containers = await prepareContainers(engines.flatMap((engine) => selectedServers(engine as MatrixEngine)));
  if ('skipped' in containers) {
    console.log(`containers: skipped (${containers.skipped}); the container rows will skip, saying why`);
    return;
  }
  console.log(`containers: ${containers.runtime}`);
  for (const image of containers.images) {
    console.log(`  ${image.server.padEnd(14)} ${image.image.padEnd(56)} ${(image.bytes / 1e6).toFixed(0).padStart(5)} MB  ${seconds(image.ms)}`);
  }
  console.log(`containers: ready (${seconds(performance.now() - started)})`);
}

async function prepareLambdaRuntime(): Promise<void> {
  const started = performance.now();
  const [runtimes, emulator] = await Promise.all([ensureLambdaNodeRuntimes(), ensureRuntimeInterfaceEmulator()]);
  const { versions } = runtimes;
  console.log(
    `Lambda runtimes: node ${versions.node22} and ${versions.node24}, aws-lambda-ric ${versions['aws-lambda-ric']}, ${emulator} (${Math.round(performance.now() - started)} ms)`,
  );
}

async function prepare(): Promise<void> {
  const engines = values.engines === undefined ? selectedEngines() : values.engines.split(',').map((engine) => engine.trim());
  // Side by side: the native servers (FerretDB's Go build above all) and the runtime interface client's native
  // build are CPU work; the images and the runtimes are mostly downloads.
  await Promise.all([prepareNative(engines), prepareContainerRows(engines), prepareLambdaRuntime()]);
  const lintStarted = performance.now();
  console.log(`cfn-lint: ${await ensureCfnLint()} (${Math.round(performance.now() - lintStarted)} ms)`);
}

if (command === 'prepare') await prepare();
if (command === 'stop') {
  const swept = await sweepContainers();
  const stopped = await stopPodmanService();
  console.log(`containers: ${swept} removed; podman service ${stopped ? 'stopped' : 'was not running'}`);
}
if (command === 'summary') console.log(formatMatrixSummary(readMatrixResults()));
