import { causeReason } from '@rotation-lambdas/core';

/** Where a command writes: results to stdout, progress and errors to stderr. */
interface Output {
  readonly json: boolean;
  line(text: string): void;
  error(text: string): void;
  data(value: unknown): void;
}

/** Human lines, or with `--json` one JSON document on stdout for scripts. */
function createOutput(json: boolean): Output {
  return {
    json,
    line: (text) => {
      if (!json) process.stdout.write(`${text}\n`);
    },
    error: (text) => process.stderr.write(`${text}\n`),
    data: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/**
 * The one line an error becomes: its message, the field, the innermost cause (why: a TLS verification
 * error, a missing region) and its stable code; never a stack, never a value. The errors shown here come
 * from the handler's code, which scrubs secret values from them.
 */
function errorLine(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const field = (error as { field?: unknown } | undefined)?.field;
  const message = error instanceof Error ? error.message : String(error);
  const reason = causeReason(error);
  return `rotate: ${message}${typeof field === 'string' ? ` (field ${field})` : ''}${reason ? `: ${reason}` : ''}${typeof code === 'string' ? ` [${code}]` : ''}`;
}

/** A step's failure on one line: its code, its message and its cause. */
function stepError(error: { code?: string; message?: string } & Error): string {
  const reason = causeReason(error);
  return `${error.code ?? 'ERROR'}: ${error.message ?? ''}${reason ? `: ${reason}` : ''}`;
}

export { createOutput, errorLine, stepError };
export type { Output };
