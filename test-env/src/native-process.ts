import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { testEnvLog } from './debug-log.js';

const log = testEnvLog('process');
const running = new Set<ChildProcess>();

// A test run that dies must not leave servers behind on the machine.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A server process and what it has printed, for error messages when it fails to start. */
interface NativeProcess {
  readonly child: ChildProcess;
  output(): string;
  /** An Error when the process has already exited (startup failed), else undefined. */
  exited(): Error | undefined;
  stop(signal: NodeJS.Signals): Promise<void>;
}

/** Options for starting a server binary. */
interface NativeProcessOptions {
  readonly uid?: number;
  readonly gid?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Spawns a server binary, keeping the tail of its output and tracking it for clean-up at exit. */
function startNativeProcess(name: string, command: string, args: readonly string[], options: NativeProcessOptions = {}): NativeProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8192);
    log('%s: %s', name, chunk.toString('utf8').trimEnd());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitError: Error | undefined;
  child.on('error', (error) => {
    exitError = error;
  });
  child.on('exit', (code, signal) => {
    running.delete(child);
    exitError ??= new Error(`${name} exited (code ${code}, signal ${signal}): ${output.slice(-2000)}`);
  });
  return {
    child,
    output: () => output,
    exited: () => exitError,
    async stop(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export { startNativeProcess };
export type { NativeProcess, NativeProcessOptions };
