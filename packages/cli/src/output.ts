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

/** The one line an error becomes: its message and its stable code (never a stack, never a value). */
function errorLine(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const field = (error as { field?: unknown } | undefined)?.field;
  const message = error instanceof Error ? error.message : String(error);
  return `rotate: ${message}${typeof field === 'string' ? ` (field ${field})` : ''}${typeof code === 'string' ? ` [${code}]` : ''}`;
}

export { createOutput, errorLine };
export type { Output };
