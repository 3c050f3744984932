import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { testEnvLog } from '../debug-log.js';
import { freePort } from '../free-port.js';
import type { RotationLambda } from '../handler-loader.js';
import { extractZip } from '../handler-zips.js';
import { type NativeProcess, startNativeProcess } from '../native-process.js';
import { waitUntil } from '../wait-until.js';
import { LAMBDA_MIN_MEMORY_MB, lambdaNodeOptions } from './lambda-node-flags.js';
import { ensureLambdaNodeRuntimes } from './lambda-node-runtimes.js';
import { bootstrapScript, emulatorCommand, type LambdaFunctionSettings, lambdaEnvironment, makeReadOnly } from './lambda-sandbox.js';
import { ensureRuntimeInterfaceEmulator } from './runtime-interface-emulator.js';

const log = testEnvLog('lambda-runtime');

/** How a zip is run: the zip, its name, and the sandbox settings (runtime, memory, environment). */
interface EmulatedLambdaOptions extends LambdaFunctionSettings {
  /** A built handler zip (`packages/<engine>/dist/<name>.zip`). */
  readonly zip: string;
  /** Default: the zip's name. */
  readonly functionName?: string;
}

/** A zip running as `index.handler` inside AWS's Runtime Interface Emulator, as Lambda would run it. */
interface EmulatedLambda extends AsyncDisposable {
  /** Invokes the function over the emulator's HTTP API: resolves with its result, rejects with its error. */
  readonly invoke: RotationLambda;
  /** The unzipped, read-only task directory (LAMBDA_TASK_ROOT). */
  readonly taskRoot: string;
  /** The runtime process's command line (node, its options, the runtime client), once an invocation started it. */
  runtimeCommandLine(): Promise<string[]>;
  /** Everything the function, the runtime client and the emulator printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** The error a function invocation returned, as the runtime interface client reports it. */
class EmulatedFunctionError extends Error {
  readonly errorType: string;

  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
  }
}

const MAX_OUTPUT = 8 << 20;
/** Emulator start-up: a probe connects to its port; generous because the machine may be loaded. */
const START_TIMEOUT_MS = 60_000;

/** Process ids of `pid`'s children, from every thread's `children` list (the emulator is multi-threaded). */
async function childPids(pid: number): Promise<number[]> {
  const children = new Set<number>();
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const list = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of list.split(/\s+/).filter(Boolean)) children.add(Number(child));
  }
  return [...children];
}

async function commandLine(pid: number): Promise<string[]> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter(Boolean);
}

function portOpen(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Reads an invocation's answer: a function error becomes an EmulatedFunctionError, anything else its parsed result. */
function parseInvocationResult(status: number, body: string, output: () => string): unknown {
  if (status !== 200) throw new Error(`the emulator answered HTTP ${status}: ${output().slice(-2000)}`);
  if (body === '') return undefined;
  const result = JSON.parse(body) as unknown;
  if (typeof result === 'object' && result !== null && 'errorType' in result && 'errorMessage' in result) {
    const error = result as { errorType: unknown; errorMessage: unknown };
    throw new EmulatedFunctionError(String(error.errorType), String(error.errorMessage));
  }
  return result;
}

class RunningEmulator implements EmulatedLambda {
  readonly taskRoot: string;
  readonly invoke: RotationLambda;
  readonly #process: NativeProcess;
  readonly #runtimeDir: string;
  readonly #node: string;
  #output = '';
  #runtimePids: number[] = [];

  constructor(process: NativeProcess, taskRoot: string, runtimeDir: string, node: string, url: string, timeoutMs: number) {
    this.#process = process;
    this.taskRoot = taskRoot;
    this.#runtimeDir = runtimeDir;
    this.#node = node;
    const keep = (chunk: Buffer) => {
      if (this.#output.length < MAX_OUTPUT) this.#output += chunk.toString('utf8');
    };
    process.child.stdout?.on('data', keep);
    process.child.stderr?.on('data', keep);
    this.invoke = async (event: unknown) => {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(event), signal: AbortSignal.timeout(timeoutMs) });
      const result = parseInvocationResult(response.status, await response.text(), () => this.output());
      return result;
    };
  }

  output(): string {
    return this.#output;
  }

  async runtimeCommandLine(): Promise<string[]> {
    const pid = this.#process.child.pid;
    if (pid === undefined) return [];
    for (const child of await childPids(pid)) {
      const line = await commandLine(child);
      if (line[0] === this.#node) {
        this.#runtimePids = [child];
        return line;
      }
    }
    return [];
  }

  async stop(): Promise<void> {
    await this.runtimeCommandLine();
    await this.#process.stop('SIGTERM');
    // The emulator normally takes its runtime down with it; make sure no runtime outlives a test.
    for (const pid of this.#runtimePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await chmod(this.taskRoot, 0o755).catch(() => undefined);
    await rm(this.taskRoot, { recursive: true, force: true });
    await rm(this.#runtimeDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Unzips a built handler into a read-only task directory and starts AWS's Runtime Interface Emulator on a free
 * loopback port, with the Lambda Node runtime of `nodeMajor`, the runtime interface client, the memory options
 * Lambda's bootstrap sets, and Lambda's environment variables. The runtime starts at the first invocation, as
 * an on-demand cold start does; the same process then serves the following ones, as a warm container does.
 */
async function startEmulatedLambda(options: EmulatedLambdaOptions): Promise<EmulatedLambda> {
  const [runtimes, emulator] = await Promise.all([ensureLambdaNodeRuntimes(), ensureRuntimeInterfaceEmulator()]);
  const name = options.functionName ?? basename(options.zip, '.zip');
  const taskRoot = await extractZip(options.zip);
  await makeReadOnly(taskRoot);
  const runtimeDir = await mkdtemp(join(tmpdir(), 'rotation-lambda-runtime-'));
  const node = runtimes.node(options.nodeMajor);
  const bootstrap = join(runtimeDir, 'bootstrap');
  await writeFile(bootstrap, bootstrapScript(node, lambdaNodeOptions(options.memoryMb ?? LAMBDA_MIN_MEMORY_MB), runtimes.ricEntry), { mode: 0o755 });

  const [apiPort, invokePort] = [await freePort(), await freePort()];
  const { command, args } = emulatorCommand(taskRoot, [
    emulator,
    '--log-level',
    'info',
    '--runtime-api-address',
    `127.0.0.1:${apiPort}`,
    '--runtime-interface-emulator-address',
    `127.0.0.1:${invokePort}`,
    bootstrap,
    'index.handler',
  ]);
  log('starting %s on Node %d in the emulator on 127.0.0.1:%d', name, options.nodeMajor, invokePort);
  const started = startNativeProcess(`aws-lambda-rie ${name}`, command, args, {
    cwd: taskRoot,
    env: lambdaEnvironment(options, taskRoot, runtimeDir, name),
  });
  const url = `http://127.0.0.1:${invokePort}/2015-03-31/functions/function/invocations`;
  const timeoutMs = ((options.timeoutSeconds ?? 30) + 30) * 1000;
  const lambda = new RunningEmulator(started, taskRoot, runtimeDir, node, url, timeoutMs);
  try {
    await waitUntil('the Runtime Interface Emulator', () => portOpen(invokePort), { timeoutMs: START_TIMEOUT_MS, abortIf: started.exited });
  } catch (error) {
    await lambda.stop();
    throw error;
  }
  return lambda;
}

export { EmulatedFunctionError, startEmulatedLambda };
export type { EmulatedLambda, EmulatedLambdaOptions };
