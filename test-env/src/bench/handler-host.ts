// The child process of a handler process (handler-process.ts): one Lambda "container" that imports a built
// handler and runs the invocations its parent sends over IPC. It imports nothing but Node's built-ins, so its
// memory and import time are the handler's and Node's, not test-env's.
import { pathToFileURL } from 'node:url';

/** A message from the parent. */
type HostRequest = { readonly type: 'invoke'; readonly id: number; readonly event: unknown } | { readonly type: 'report' };

/** How long a step may run: the function timeout Lambda's environment names (the templates' default is 30 s). */
const FUNCTION_TIMEOUT_MS = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 30) * 1000;

function send(message: unknown): void {
  process.send?.(message);
}

/** The slice of Lambda's context object a handler can rely on. */
function lambdaContext(id: number): Record<string, unknown> {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    awsRequestId: `bench-${process.pid}-${id}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function describeError(error: unknown): Record<string, unknown> {
  const { name, code, step } = (error ?? {}) as { name?: unknown; code?: unknown; step?: unknown };
  return { name: typeof name === 'string' ? name : 'Error', code: typeof code === 'string' ? code : undefined, step };
}

const indexFile = process.argv[2] ?? '';
const cpuBefore = process.cpuUsage();
const started = performance.now();
const module = (await import(pathToFileURL(indexFile).href)) as { handler?: (event: unknown, context: unknown) => Promise<unknown> };
const importMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const { handler } = module;
if (typeof handler !== 'function') throw new Error('the module exports no handler function');
send({ type: 'ready', importMs, importCpuMs: (cpu.user + cpu.system) / 1000, rssAfterImportKiB: process.memoryUsage.rss() / 1024 });

process.on('message', async (request: HostRequest) => {
  if (request.type === 'report') {
    send({ type: 'report', maxRssKiB: process.resourceUsage().maxRSS, heapUsedKiB: process.memoryUsage().heapUsed / 1024 });
    return;
  }
  try {
    await handler(request.event, lambdaContext(request.id));
    send({ type: 'result', id: request.id, ok: true });
  } catch (error) {
    send({ type: 'result', id: request.id, ok: false, error: describeError(error) });
  }
});
