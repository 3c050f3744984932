import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENGINE_TARGETS } from '../engine-targets.js';
import { extractZip, findHandlerZips, type HandlerZip } from '../handler-zips.js';
import { startLocalSecretsManager } from '../secrets-manager/local-secrets-manager.js';
import { startCrashProxy } from '../crash-proxy/crash-proxy.js';
import { type ColdStart, measureColdStart } from './cold-init.js';
import type { HandlerProcessOptions } from './handler-process.js';
import { measurePythonImport, PYTHON_TEMPLATES, type PythonImport } from './python-templates.js';
import { measureColdRotations, measureWarmRotations, type RotationBench } from './rotations.js';
import { maximum, median } from './statistics.js';

/** One handler's numbers. */
interface BenchResult {
  readonly handler: string;
  readonly zipBytes: number;
  readonly coldInit: {
    readonly runs: number;
    readonly medianImportMs: number;
    readonly medianImportCpuMs: number;
    readonly medianProcessMs: number;
    readonly medianMaxRssKiB: number;
  };
  /** The same measure of the AWS Python template the handler replaces, in the same run; absent without Python. */
  readonly python?: {
    readonly template: string;
    readonly medianImportMs: number;
    readonly medianImportCpuMs: number;
    readonly medianMaxRssKiB: number;
    /** The handler's import CPU time over the template's. */
    readonly importCpuRatio: number;
  };
  readonly rotation: {
    readonly runs: number;
    readonly medianWallMs: number;
    /** The warm process's peak RSS over all `runs` rotations. */
    readonly peakRssKiB: number;
    readonly secretsManagerCallsWarm: number;
    readonly secretsManagerCallsCold: number;
    readonly connections: number;
  };
}

/** What to measure and how (the issue asks for at least 10 cold starts and 100 warm rotations). */
interface BenchOptions {
  readonly engines: readonly string[];
  readonly coldStarts: number;
  readonly rotations: number;
  /** The Node binary handlers run on, and its flags (Lambda's memory flags). */
  readonly node?: string;
  readonly nodeFlags?: readonly string[];
  /** The checkout whose built zips are measured (default: this one). */
  readonly root?: string;
  /** The Python interpreter holding the templates' imports (ensurePythonTemplates); without it, no comparison. */
  readonly python?: string;
  readonly progress: (line: string) => void;
}

function pythonSummary(handler: string, runs: readonly PythonImport[], nodeImportCpuMs: number): NonNullable<BenchResult['python']> {
  const medianImportCpuMs = median(runs.map((run) => run.importCpuMs));
  return {
    template: PYTHON_TEMPLATES[handler] ?? '',
    medianImportMs: median(runs.map((run) => run.importMs)),
    medianImportCpuMs,
    medianMaxRssKiB: median(runs.map((run) => run.maxRssKiB)),
    importCpuRatio: nodeImportCpuMs / medianImportCpuMs,
  };
}

/** Cold starts of one handler, interleaved with the template's imports so both see the same load on the machine. */
async function measureImports(
  options: BenchOptions,
  zip: HandlerZip,
  handler: HandlerProcessOptions,
): Promise<Pick<BenchResult, 'coldInit' | 'python'>> {
  const cold: ColdStart[] = [];
  const python: PythonImport[] = [];
  for (let run = 0; run < options.coldStarts; run++) {
    cold.push(await measureColdStart(handler));
    const imported = options.python === undefined ? undefined : await measurePythonImport(options.python, zip.name);
    if (imported !== undefined) python.push(imported);
  }
  const medianImportCpuMs = median(cold.map((run) => run.importCpuMs));
  return {
    coldInit: {
      runs: cold.length,
      medianImportMs: median(cold.map((run) => run.importMs)),
      medianImportCpuMs,
      medianProcessMs: median(cold.map((run) => run.processMs)),
      medianMaxRssKiB: median(cold.map((run) => run.maxRssKiB)),
    },
    ...(python.length === 0 ? {} : { python: pythonSummary(zip.name, python, medianImportCpuMs) }),
  };
}

/** Warm rotations in one process, then two rotations with a fresh process per step. */
async function measureRotations(bench: RotationBench, rotations: number): Promise<BenchResult['rotation']> {
  const warm = await measureWarmRotations(bench, rotations);
  const coldRotations = await measureColdRotations(bench, 2);
  return {
    runs: warm.samples.length,
    medianWallMs: median(warm.samples.map((run) => run.wallMs)),
    peakRssKiB: warm.memory.maxRssKiB,
    secretsManagerCallsWarm: maximum(warm.samples.map((run) => run.secretsManagerCalls)),
    secretsManagerCallsCold: maximum(coldRotations.map((run) => run.secretsManagerCalls)),
    connections: maximum([...warm.samples, ...coldRotations].map((run) => run.connections)),
  };
}

/**
 * Benchmarks every built handler zip of the selected engines: zip size, cold init in fresh processes (beside
 * the AWS Python template's import when `python` is given), rotation wall time and peak memory in one warm
 * process, and Secrets Manager calls and database connections per rotation (counted by the local Secrets
 * Manager and by a TCP proxy in front of the server, not reported by the code under test).
 */
async function runBench(options: BenchOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  await using sm = await startLocalSecretsManager();
  for (const engine of options.engines) {
    const start = ENGINE_TARGETS[engine];
    const zips = findHandlerZips(options.root).filter((zip) => zip.engine === engine);
    if (start === undefined || zips.length === 0) continue;
    await using target = await start();
    await using proxy = await startCrashProxy(target.host, target.port, 'raw');
    for (const zip of zips) {
      const handler = {
        indexFile: join(await extractZip(zip.file), 'index.mjs'),
        ...(options.node === undefined ? {} : { node: options.node }),
        nodeFlags: options.nodeFlags ?? [],
        env: { SECRETS_MANAGER_ENDPOINT: sm.endpoint },
      };
      options.progress(`${zip.name}: cold starts`);
      const imports = await measureImports(options, zip, handler);
      options.progress(`${zip.name}: rotations`);
      const rotation = await measureRotations({ sm, target, proxy, strategy: zip.strategy, handler }, options.rotations);
      results.push({ handler: zip.name, zipBytes: (await stat(zip.file)).size, ...imports, rotation });
    }
  }
  return results;
}

export { runBench };
export type { BenchOptions, BenchResult };
