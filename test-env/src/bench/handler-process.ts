import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandlerEnvironment, RotationLambda } from '../handler-loader.js';
import { lambdaEnvironment } from '../lambda-runtime/lambda-sandbox.js';

/** What the child measured while importing the handler (Lambda's init phase). */
interface HandlerInit {
  readonly importMs: number;
  /** CPU time (user + system) the import took: steadier than wall time on a loaded machine. */
  readonly importCpuMs: number;
  readonly rssAfterImportKiB: number;
  /** From spawning the process to the handler being ready. */
  readonly processMs: number;
}

/** The process's peak memory so far. */
interface HandlerMemory {
  readonly maxRssKiB: number;
  readonly heapUsedKiB: number;
}

/** How to start the process: which Node, with which V8 flags and environment. */
interface HandlerProcessOptions {
  readonly indexFile: string;
  /** The Node binary (default: the one running test-env). */
  readonly node?: string;
  /** Node flags, e.g. lambdaNodeOptions(128), Lambda's 128 MB settings. */
  readonly nodeFlags?: readonly string[];
  /** The function's own variables (Lambda's cannot be overridden); undefined leaves one out. */
  readonly env?: HandlerEnvironment;
  /** The function timeout each invocation's context counts down from (default 30 s, the templates'). */
  readonly timeoutSeconds?: number;
}

/** A handler running in its own process, as in a Lambda container; `invoke` is a RotationLambda. */
interface HandlerProcess extends AsyncDisposable {
  readonly init: HandlerInit;
  readonly invoke: RotationLambda;
  memory(): Promise<HandlerMemory>;
  stop(): Promise<void>;
}

type HostMessage =
  | ({ readonly type: 'ready' } & Omit<HandlerInit, 'processMs'>)
  | ({ readonly type: 'report' } & HandlerMemory)
  | { readonly type: 'result'; readonly id: number; readonly ok: boolean; readonly error?: Record<string, unknown> };

const HOST_SCRIPT = fileURLToPath(new URL('./handler-host.js', import.meta.url));

function failure(error: Record<string, unknown> | undefined): Error {
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const failed = new Error(`handler failed${code === undefined ? '' : ` with ${code}`}`);
  failed.name = typeof error?.name === 'string' ? error.name : 'Error';
  return Object.assign(failed, { code, step: error?.step });
}

/**
 * Starts a handler in a fresh Node process (a cold Lambda container): resolves once the module is imported,
 * with the import's wall and CPU time. Invocations may overlap; their log lines go nowhere.
 */
async function startHandlerProcess(options: HandlerProcessOptions): Promise<HandlerProcess> {
  const started = performance.now();
  const child: ChildProcess = fork(HOST_SCRIPT, [options.indexFile], {
    ...(options.node === undefined ? {} : { execPath: options.node }),
    execArgv: [...(options.nodeFlags ?? [])],
    // The variables Lambda sets for a 128 MB nodejs22.x function, with the function's own (the local endpoints).
    env: lambdaEnvironment(
      {
        nodeMajor: 22,
        env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
        ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
      },
      dirname(options.indexFile),
      dirname(HOST_SCRIPT),
      'rotation',
    ),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const reports: ((memory: HandlerMemory) => void)[] = [];
  let ready: ((init: HandlerInit) => void) | undefined;
  const exited = once(child, 'exit').then(([code, signal]) => {
    const error = new Error(`handler process exited (${String(code ?? signal)}): ${stderr.trim()}`);
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    throw error;
  });
  exited.catch(() => undefined);
  child.on('message', (message: HostMessage) => {
    if (message.type === 'ready') ready?.({ ...message, processMs: performance.now() - started });
    else if (message.type === 'report') reports.shift()?.(message);
    else {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiter?.resolve();
      else waiter?.reject(failure(message.error));
    }
  });
  const init = await Promise.race([new Promise<HandlerInit>((resolve) => (ready = resolve)), exited]);

  let invocations = 0;
  const invoke: RotationLambda = (event) =>
    new Promise<void>((resolve, reject) => {
      invocations += 1;
      pending.set(invocations, { resolve, reject });
      child.send({ type: 'invoke', id: invocations, event });
    });
  const memory = () =>
    Promise.race([
      new Promise<HandlerMemory>((resolve) => {
        reports.push(resolve);
        child.send({ type: 'report' });
      }),
      exited,
    ]);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited.catch(() => undefined);
  };
  return { init, invoke, memory, stop, [Symbol.asyncDispose]: stop };
}

export { startHandlerProcess };
export type { HandlerInit, HandlerMemory, HandlerProcess, HandlerProcessOptions };
