import { type HandlerProcessOptions, startHandlerProcess } from './handler-process.js';

/** One cold start: how long importing the handler took, its CPU time, and the process's peak memory. */
interface ColdStart {
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly processMs: number;
  readonly maxRssKiB: number;
}

/**
 * Cold init as Lambda pays it: a fresh Node process (`options.node`, with `options.nodeFlags`) importing
 * `index.mjs` from the unzipped package, with the environment a deployed function has.
 */
async function measureColdStart(options: HandlerProcessOptions): Promise<ColdStart> {
  await using child = await startHandlerProcess(options);
  const { maxRssKiB } = await child.memory();
  return { importMs: child.init.importMs, importCpuMs: child.init.importCpuMs, processMs: child.init.processMs, maxRssKiB };
}

export { measureColdStart };
export type { ColdStart };
