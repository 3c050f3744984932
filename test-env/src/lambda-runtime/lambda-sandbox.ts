import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isRoot } from '../system-packages.js';
import { LAMBDA_MIN_MEMORY_MB } from './lambda-node-flags.js';
import type { LambdaNodeMajor } from './lambda-node-runtimes.js';

/** What shapes the sandbox a zip runs in besides the code. */
interface LambdaFunctionSettings {
  readonly nodeMajor: LambdaNodeMajor;
  /** The function's environment variables (a template's `Environment.Variables`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default 128, Lambda's smallest setting. */
  readonly memoryMb?: number;
  /** Default 30, the templates' default. */
  readonly timeoutSeconds?: number;
  /** Default us-east-1. */
  readonly region?: string;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Makes the unpacked zip read-only, as Lambda's /var/task is; root bypasses modes, so it also gets a read-only mount. */
async function makeReadOnly(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o555 : 0o444);
  }
  await chmod(dir, 0o555);
}

/**
 * Lambda's `/var/runtime/bootstrap` for nodejs22.x and nodejs24.x, reduced to what decides how the code runs:
 * the Node binary, the options the bootstrap derives from the memory size, and the runtime interface client.
 */
function bootstrapScript(node: string, options: readonly string[], ricEntry: string): string {
  return ['#!/bin/sh', `exec ${[node, ...options, ricEntry].map(shellQuote).join(' ')}`, ''].join('\n');
}

/** The environment Lambda gives a function, plus the function's own variables (which cannot override Lambda's). */
function lambdaEnvironment(options: LambdaFunctionSettings, taskRoot: string, runtimeDir: string, name: string): Record<string, string> {
  const region = options.region ?? 'us-east-1';
  const own = Object.fromEntries(Object.entries(options.env ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    ...own,
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    NODE_PATH: `${runtimeDir}:${taskRoot}`,
    AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${options.nodeMajor}.x`,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb ?? LAMBDA_MIN_MEMORY_MB),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(options.timeoutSeconds ?? 30),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: 'test',
  };
}

/**
 * The command that starts the emulator. As root (which ignores file modes) it runs in a private mount
 * namespace where the task directory is bind-mounted read-only, and refuses to start if a write still works.
 */
function emulatorCommand(taskRoot: string, emulator: readonly string[]): { command: string; args: string[] } {
  if (!isRoot()) return { command: emulator[0] as string, args: emulator.slice(1) };
  const script = [
    'mount --bind -o ro "$1" "$1" || exit 96',
    'if touch "$1/.write-probe" 2>/dev/null; then echo "the task directory is writable" >&2; exit 97; fi',
    'shift',
    'exec "$@"',
  ].join('\n');
  return { command: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', taskRoot, ...emulator] };
}

export { bootstrapScript, emulatorCommand, lambdaEnvironment, makeReadOnly };
export type { LambdaFunctionSettings };
